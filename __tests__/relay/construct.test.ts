/**
 * The synthesized relay: a Worker with its config, token and one secret binding per receiver
 * from a sensitive variable (never a value in cdk.tf.json), and every cloud's route pointing at
 * it with the token kept sensitive (GCP: sensitive_labels; Cloudflare: the webhook secret).
 */
import { RECEIVER_KINDS } from "../../lib/config/monitoring";
import { policyFindings } from "../../lib/policy";
import { HEARTBEAT_CRON, relayHostname } from "../../lib/relay/relay";
import {
  RELAY_BINDINGS,
  RECEIVER_KINDS as RELAY_KINDS,
  type RelayConfig,
  receiverBinding,
} from "../../lib/relay/worker/contract";
import { itWithCloud } from "../helpers/clouds";
import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";

// Some tests synthesize a whole environment of their own: seconds on a loaded machine.
jest.setTimeout(30_000);

const receivers = [
  { kind: "slack", secretVariable: "relay_test_slack_url" },
  { kind: "pagerduty", secretVariable: "relay_test_pagerduty_key" },
  { kind: "heartbeat", secretVariable: "relay_test_heartbeat_url" },
];
const base = environmentConfig({ monitoring: { notify: { emails: ["oncall@fixture.test"], receivers } } });
// A zone owner on Business: Cloudflare's own alerts exist, so its route has the relay webhook too.
const config = { ...base, cloudflare: { ...base.cloudflare, plan: "business" as const, zoneShared: false } };
const { json } = synthEnvironment(config);
const relayScript = Object.values(resourcesOf(json, "cloudflare_workers_script")).find((s) =>
  String(s.script_name).endsWith("-alert-relay"),
);
const relayUrl = `https://${relayHostname(config.cloudflare.domain)}`;
const TOKEN_REF = /^\$\{random_password\.[\w-]+\.result\}$/;

it("the config and the relay accept the same receiver kinds", () => {
  expect([...RECEIVER_KINDS]).toEqual([...RELAY_KINDS]);
});

it("deploys the relay with its config, a random token and each receiver's secret from a sensitive variable", () => {
  expect(relayScript).toBeDefined();
  const bindings = relayScript?.bindings as { name: string; type: string; text?: string; json?: string }[];
  const byName = Object.fromEntries(bindings.map((b) => [b.name, b]));
  const relayConfig = JSON.parse(String(byName[RELAY_BINDINGS.config.name].json)) as RelayConfig;
  expect(relayConfig.receivers.map((r) => [r.kind, r.binding])).toEqual([
    ["slack", receiverBinding(0)],
    ["pagerduty", receiverBinding(1)],
    ["heartbeat", receiverBinding(2)],
  ]);
  expect(relayConfig.environment).toBe(config.name);
  expect(byName[RELAY_BINDINGS.token.name]).toMatchObject({
    type: "secret_text",
    text: expect.stringMatching(TOKEN_REF),
  });
  receivers.forEach((receiver, i) => {
    expect(byName[receiverBinding(i)]).toEqual({
      name: receiverBinding(i),
      type: "secret_text",
      text: `\${var.${receiver.secretVariable}}`,
    });
    const variable = (json.variable as Record<string, Record<string, unknown>>)[receiver.secretVariable];
    expect(variable).toMatchObject({ sensitive: true, nullable: false });
    expect(JSON.stringify(variable.validation)).not.toContain("${var.");
  });
  const domains = Object.values(resourcesOf(json, "cloudflare_workers_custom_domain")).map((d) => d.hostname);
  expect(domains).toContain(new URL(relayUrl).host);
});

it("pings heartbeat receivers from a Cron Trigger", () => {
  expect(Object.values(resourcesOf(json, "cloudflare_workers_cron_trigger"))).toEqual([
    expect.objectContaining({ schedules: [{ cron: HEARTBEAT_CRON }] }),
  ]);
  const none = synthEnvironment(environmentConfig({ monitoring: { notify: { receivers: receivers.slice(0, 1) } } }));
  expect(resourcesOf(none.json, "cloudflare_workers_cron_trigger")).toEqual({});
});

itWithCloud("aws")("AWS: the relay accepts messages of exactly the route's topics (by name)", () => {
  const bindings = relayScript?.bindings as { name: string; json?: string }[];
  const bound = bindings.find((b) => b.name === RELAY_BINDINGS.config.name);
  const relayConfig = JSON.parse(String(bound?.json)) as RelayConfig;
  const topics = new Set(Object.values(resourcesOf(json, "aws_sns_topic")).map((t) => String(t.name)));
  expect(new Set(relayConfig.snsTopics)).toEqual(topics);
});

itWithCloud("aws")("AWS: the topic and its us-east-1 twin subscribe the relay over HTTPS with the token", () => {
  const relay = Object.values(resourcesOf(json, "aws_sns_topic_subscription")).filter((s) =>
    String(s.endpoint).startsWith(`${relayUrl}/v1/aws?token=`),
  );
  expect(relay.length).toBeGreaterThanOrEqual(1);
  for (const s of relay) {
    expect(s).toMatchObject({ protocol: "https", endpoint_auto_confirms: true });
    expect(String(s.endpoint).split("token=")[1]).toMatch(TOKEN_REF);
  }
});

itWithCloud("azure")("Azure: the action group posts the common alert schema to the relay", () => {
  const [group] = Object.values(resourcesOf(json, "azurerm_monitor_action_group"));
  expect(group.webhook_receiver).toEqual([
    {
      name: "relay",
      service_uri: expect.stringMatching(/\/v1\/azure\?token=\$\{random_password/),
      use_common_alert_schema: true,
    },
  ]);
});

itWithCloud("gcp")("GCP: a basic-auth webhook channel whose token is a sensitive label, never a label", () => {
  const channel = Object.values(resourcesOf(json, "google_monitoring_notification_channel")).find(
    (c) => c.type === "webhook_basicauth",
  );
  expect(channel).toMatchObject({
    labels: { url: `${relayUrl}/v1/gcp`, username: "gcp" },
    sensitive_labels: { password: expect.stringMatching(TOKEN_REF) },
  });
});

it("Cloudflare: a notification webhook to the relay with the token as its secret, on every policy", () => {
  const hooks = Object.entries(resourcesOf(json, "cloudflare_notification_policy_webhooks"));
  const [id, hook] = hooks.find(([, h]) => h.url === `${relayUrl}/v1/cloudflare`) ?? [];
  expect(hook?.secret).toMatch(TOKEN_REF);
  for (const policy of Object.values(resourcesOf(json, "cloudflare_notification_policy"))) {
    expect(JSON.stringify(policy.mechanisms)).toContain(`cloudflare_notification_policy_webhooks.${id}.id`);
  }
});

describe("BP_OPS_4 on a whole environment", () => {
  const ops4 = (notify: Record<string, unknown>) => {
    const { stack } = synthEnvironment(environmentConfig({ monitoring: { notify } }));
    return policyFindings(stack).filter((f) => f.ruleId === "BP_OPS_4");
  };
  const routes = ["aws", "azure"].filter((cloud) => base.clouds.includes(cloud as (typeof base.clouds)[number]));

  it("fails a route whose only receiver is a raw webhook", () => {
    const findings = ops4({ emails: [], webhookVariable: "relay_test_raw_hook" });
    // One finding per route on a cloud with one (an SNS topic and its us-east-1 twin count separately).
    expect(findings.length > 0).toBe(routes.length > 0);
  });

  it("passes a route that reaches people only through the relay", () => {
    expect(ops4({ emails: [], receivers: receivers.slice(0, 1) })).toEqual([]);
  });
});
