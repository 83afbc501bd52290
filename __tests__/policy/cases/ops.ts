import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { NotificationPolicy } from "@cdktf/provider-cloudflare/lib/notification-policy";
import { WorkersCustomDomain } from "@cdktf/provider-cloudflare/lib/workers-custom-domain";
import { WorkersScript } from "@cdktf/provider-cloudflare/lib/workers-script";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { MonitoringAlertPolicy } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import type { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { RELAY_BINDINGS, sourcePath } from "../../../lib/relay/worker/contract";
import type { RuleCase } from "./types";

const lambda = (s: Construct, id = "subject") =>
  new LambdaFunction(s, id, { functionName: "svc-test", role: "arn:aws:iam::123456789012:role/r" });
const alarm = (s: Construct, id: string, patch: Partial<ConstructorParameters<typeof CloudwatchMetricAlarm>[2]>) =>
  new CloudwatchMetricAlarm(s, id, {
    alarmName: "svc-test-errors",
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: 1,
    threshold: 0,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    statistic: "Sum",
    period: 300,
    ...patch,
  });
/** A burn-rate window alarm (no actions) and a routed composite alarm whose rule names it, or another alarm. */
const windowOfComposite = (s: Construct, named: boolean) => {
  const window = alarm(s, "subject", {});
  const other = alarm(s, "other", { alarmName: "svc-test-other", alarmActions: ["arn:x"] });
  new CloudwatchCompositeAlarm(s, "composite", {
    alarmName: "svc-test-burn",
    alarmRule: `ALARM("${(named ? window : other).alarmName}")`,
    alarmActions: ["arn:aws:sns:eu-west-1:123456789012:svc-test-alerts"],
  });
};
const run = (s: Construct, id = "subject") =>
  new CloudRunV2Service(s, id, {
    name: "svc-test-run",
    location: "europe-west1",
    template: { containers: [{ image: "europe-docker.pkg.dev/p/r/i:1" }] },
  });
const gcpPolicy = (s: Construct, id: string, filter: string, channels: string[]) =>
  new MonitoringAlertPolicy(s, id, {
    displayName: "svc-test-latency",
    combiner: "OR",
    notificationChannels: channels,
    conditions: [
      {
        displayName: "latency",
        conditionThreshold: { filter, comparison: "COMPARISON_GT", thresholdValue: 1, duration: "0s" },
      },
    ],
  });
const runFilter = (name: string) =>
  `metric.type="run.googleapis.com/request_latencies" AND resource.label."service_name"="${name}"`;
const channel = "projects/p/notificationChannels/1";
const cloudflarePolicy = (
  s: TerraformStack,
  mechanisms: ConstructorParameters<typeof NotificationPolicy>[2]["mechanisms"],
) =>
  new NotificationPolicy(s, "subject", {
    accountId: "a1a1a1a1b2b2b2b2c3c3c3c3d4d4d4d4",
    name: "svc-test-edge",
    alertType: "health_check_status_notification",
    mechanisms,
  });
const logAlert = (s: TerraformStack, actionGroups?: string[]) =>
  new MonitorScheduledQueryRulesAlertV2(s, "subject", {
    name: "svc-test-errors",
    resourceGroupName: "rg",
    location: "westeurope",
    scopes: ["/subscriptions/x/resourceGroups/rg/providers/microsoft.insights/components/appi"],
    severity: 1,
    evaluationFrequency: "PT5M",
    windowDuration: "PT5M",
    criteria: [{ query: "requests", timeAggregationMethod: "Count", operator: "GreaterThan", threshold: 1 }],
    action: actionGroups === undefined ? undefined : { actionGroups },
  });

export const opsCases: RuleCase[] = [
  {
    rule: "BP_OPS_1",
    fail: [
      (s) => lambda(s),
      // An alarm on another function does not watch this one.
      (s) => {
        lambda(s);
        alarm(s, "other-alarm", { dimensions: { FunctionName: lambda(s, "other").functionName } });
      },
      (s) => {
        run(s);
        gcpPolicy(s, "policy", runFilter("svc-test-run-canary"), [channel]);
      },
    ],
    pass: [
      (s) => alarm(s, "alarm", { dimensions: { FunctionName: lambda(s).functionName }, alarmActions: ["arn:x"] }),
      (s) => {
        run(s);
        gcpPolicy(s, "policy", runFilter("svc-test-run"), [channel]);
      },
    ],
  },
  {
    rule: "BP_OPS_2",
    fail: [
      (s) => alarm(s, "subject", {}),
      (s) => windowOfComposite(s, false),
      (s) => gcpPolicy(s, "subject", runFilter("svc-test-run"), []),
      (s) => cloudflarePolicy(s, {}),
      (s) => logAlert(s),
    ],
    pass: [
      (s) => alarm(s, "subject", { alarmActions: ["arn:aws:sns:eu-west-1:123456789012:svc-test-alerts"] }),
      (s) => windowOfComposite(s, true),
      (s) => gcpPolicy(s, "subject", runFilter("svc-test-run"), [channel]),
      (s) => cloudflarePolicy(s, { email: [{ id: "oncall@test.invalid" }] }),
      (s) => logAlert(s, ["/subscriptions/x/resourceGroups/rg/providers/microsoft.insights/actionGroups/ag"]),
    ],
  },
  {
    rule: "BP_OPS_3",
    fail: [
      // No alert at all, then the fast pair without the slow one.
      (s) => lambda(s),
      (s) => {
        const fn = lambda(s);
        alarm(s, "fast", {
          alarmName: "svc-test-aws-function-error-http-5xx-burn-fast",
          dimensions: { FunctionName: fn.functionName },
        });
      },
    ],
    pass: (s) => {
      const fn = lambda(s);
      for (const tier of ["fast", "medium", "slow"]) {
        alarm(s, tier, {
          alarmName: `svc-test-aws-function-error-http-5xx-burn-${tier}`,
          dimensions: { FunctionName: fn.functionName },
          alarmActions: ["arn:x"],
        });
      }
    },
  },
  {
    rule: "BP_OPS_4",
    fail: [
      (s) => topicWith(s, "https"),
      (s) => actionGroup(s, false),
      // Nothing subscribed at all.
      (s) => new SnsTopic(s, "subject", { name: "svc-test-alerts" }),
      // An https endpoint shaped like the relay's, on a host no relay Worker serves.
      (s) => {
        relay(s);
        topicWith(s, "https", `https://elsewhere.test.invalid${sourcePath("aws")}?token=x`);
      },
      (s) => {
        relay(s);
        actionGroup(s, false, `https://elsewhere.test.invalid${sourcePath("azure")}?token=x`);
      },
    ],
    pass: [
      (s) => topicWith(s, "email"),
      (s) => actionGroup(s, true),
      (s) => topicWith(s, "https", `https://${relay(s)}${sourcePath("aws")}?token=x`),
      (s) => actionGroup(s, false, `https://${relay(s)}${sourcePath("azure")}?token=x`),
    ],
  },
];

/** An SNS topic (the subject) with one subscription of `protocol` (https: to `url`, by default a raw webhook). */
function topicWith(s: Construct, protocol: "email" | "https", url = "https://hooks.test.invalid/x"): void {
  const topic = new SnsTopic(s, "subject", { name: "svc-test-alerts" });
  new SnsTopicSubscription(s, "subscription", {
    topicArn: topic.arn,
    protocol,
    endpoint: protocol === "email" ? "oncall@test.invalid" : url,
  });
}

/** An action group (the subject) with a webhook receiver to `url` and, when `email`, an e-mail receiver. */
function actionGroup(s: Construct, email: boolean, url = "https://hooks.test.invalid/x"): void {
  new MonitorActionGroup(s, "subject", {
    name: "svc-test-alerts",
    resourceGroupName: "rg",
    shortName: "test",
    emailReceiver: email ? [{ name: "email-0", emailAddress: "oncall@test.invalid" }] : undefined,
    webhookReceiver: [{ name: "webhook", serviceUri: url }],
  });
}

/** A relay Worker (bound to the relay config) on a custom domain; returns its hostname. */
function relay(s: Construct): string {
  const hostname = "alerts.test.invalid";
  const script = new WorkersScript(s, "relay", {
    accountId: "a".repeat(32),
    scriptName: "svc-test-alert-relay",
    content: "export default {}",
    mainModule: "relay.js",
    bindings: [{ name: RELAY_BINDINGS.config.name, type: RELAY_BINDINGS.config.type, json: "{}" }],
  });
  new WorkersCustomDomain(s, "relay-domain", {
    accountId: "a".repeat(32),
    zoneId: "b".repeat(32),
    hostname,
    service: script.scriptName,
  });
  return hostname;
}
