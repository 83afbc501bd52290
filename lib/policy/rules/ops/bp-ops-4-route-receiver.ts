import { RELAY_BINDINGS, type Source, sourcePath } from "../../../relay/worker/contract";
import { blocks, defineRule, type StackResource } from "../../rule";

/**
 * A route reaches a person when it has a receiver that reads its alerts: an e-mail address
 * (every cloud sends e-mail in a readable form) or the environment's alert relay (lib/relay),
 * which translates each cloud's format for Slack, Teams, PagerDuty and webhooks. A raw webhook
 * alone gets each cloud's own payload (SNS JSON and a subscription confirmation, Azure's common
 * alert schema) that a chat or paging webhook cannot read, and nothing at all reaches nobody.
 */
export const routeReceiver = defineRule({
  id: "BP_OPS_4",
  description:
    "Every alert route has a working receiver: an e-mail address or the alert relay, not only a raw webhook or nothing",
  fix: "add an address to monitoring.notify.emails or a receiver to monitoring.notify.receivers (Slack, Teams, PagerDuty, webhook through the alert relay); a webhookVariable alone gets each cloud's raw alert format",
  level: "error",
  appliesTo: ["aws_sns_topic", "azurerm_monitor_action_group"],
  check: ({ type, address, attributes, expression, resources }) => {
    const hosts = resources === undefined ? [] : relayHosts(resources);
    if (type === "azurerm_monitor_action_group") {
      if (blocks(attributes.email_receiver).length > 0) return undefined;
      const relayed = blocks(attributes.webhook_receiver).some((r) =>
        reachesRelay(expression(r.service_uri), "azure", hosts),
      );
      return relayed ? undefined : "has no email_receiver and no webhook_receiver to the alert relay";
    }
    if (address === undefined || resources === undefined) return undefined;
    const subscriptions = resources(["aws_sns_topic_subscription"]).filter((s) => s.text.includes(`${address}.`));
    const working = subscriptions.some(
      (s) =>
        s.attributes.protocol === "email" ||
        (s.attributes.protocol === "https" && reachesRelay(String(s.attributes.endpoint), "aws", hosts)),
    );
    return working ? undefined : "no email subscription and no subscription to the alert relay refers to the topic";
  },
});

/** Hostnames of the stack's alert relays: custom domains serving a Worker bound to the relay's config. */
function relayHosts(resources: (types: readonly string[]) => readonly StackResource[]): string[] {
  const relays = resources(["cloudflare_workers_script"]).filter((s) => s.text.includes(RELAY_BINDINGS.config.name));
  return resources(["cloudflare_workers_custom_domain"])
    .filter((domain) => relays.some((relay) => domain.text.includes(`${relay.address}.`)))
    .map((domain) => String(domain.attributes.hostname));
}

const reachesRelay = (endpoint: string, source: Source, hosts: readonly string[]): boolean =>
  hosts.some((host) => endpoint.startsWith(`https://${host}${sourcePath(source)}?`));
