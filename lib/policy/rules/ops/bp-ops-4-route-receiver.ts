import { blocks, defineRule } from "../../rule";

/**
 * A route whose only receivers are webhooks reaches nobody yet: each cloud posts its own
 * payload (SNS JSON and a subscription confirmation, Azure's common alert schema) that a chat
 * or paging webhook cannot read raw (docs/operations.md). E-mail is the receiver every cloud
 * delivers in a readable form, so a route needs one until an alert relay translates.
 */
export const routeReceiver = defineRule({
  id: "BP_OPS_4",
  description: "Every alert route has a working receiver (an e-mail address), not only a raw webhook",
  fix: "add an address to monitoring.notify.emails of the environment (a webhook alone gets each cloud's raw alert format)",
  level: "error",
  appliesTo: ["aws_sns_topic", "azurerm_monitor_action_group"],
  check: ({ type, address, attributes, resources }) => {
    if (type === "azurerm_monitor_action_group") {
      return blocks(attributes.email_receiver).length > 0 ? undefined : "has no email_receiver";
    }
    if (address === undefined || resources === undefined) return undefined;
    const subscriptions = resources(["aws_sns_topic_subscription"]).filter((s) => s.text.includes(`${address}.`));
    return subscriptions.some((s) => s.attributes.protocol === "email")
      ? undefined
      : "no email subscription refers to the topic";
  },
});
