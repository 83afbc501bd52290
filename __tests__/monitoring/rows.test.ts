/**
 * Monitoring as data (docs/adding-a-cloud.md, "Adding an alert"): each cloud keeps its alerts as typed
 * rows and one loop turns them into alerts. Every row becomes exactly one alert of its name, with the
 * row's threshold and the severity its urgency maps to, and no alert exists without a row; a route that
 * reaches nobody is refused before any row becomes an alert.
 */
import { AwsMonitoring } from "../../lib/aws/monitoring";
import { AzureMonitoring } from "../../lib/azure/monitoring";
import type { CloudMonitoringProps } from "../../lib/contract/cloud";
import { ConstructError } from "../../lib/contract/errors";
import { GcpMonitoring } from "../../lib/gcp/monitoring";
import { alertName } from "../../lib/monitoring/alerts";
import { burnAlerts } from "../../lib/monitoring/burn-rate";
import { objectivesFor } from "../../lib/monitoring/objectives";
import type { AlertRoute } from "../../lib/monitoring/route";
import { type AlertRow, severityOf } from "../../lib/monitoring/rows";
import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";

// The objectives of __tests__/monitoring/alerts.test.ts: unusual values, so a threshold that is not derived shows.
const config = environmentConfig({
  monitoring: {
    availabilityPercent: 99.5,
    latencyP99Ms: 1234,
    notify: { emails: ["first@test.invalid", "second@test.invalid"], webhookVariable: "ops_webhook" },
  },
});
const objectives = objectivesFor(config);
const burnRatios = burnAlerts(objectives).map((burn) => burn.errorRatio);
const built = synthEnvironment(config);
const { json } = built;
const stack = built.stack;
const base = { service: stack.spec.name, environment: config.name };
const nameOf = (row: AlertRow) => alertName(base, row.target, row.signal, row.what);

type Block = Record<string, unknown>;
/** Synthesized resources of `types` by the value of `nameKey`. */
function byName(types: readonly string[], nameKey: string): Record<string, Block> {
  return Object.fromEntries(
    types.flatMap((type) => Object.values(resourcesOf(json, type))).map((r) => [String(r[nameKey]), r]),
  );
}

const aws = stack.node.findChild("aws-monitoring") as AwsMonitoring;
const azure = stack.node.findChild("azure-monitoring") as AzureMonitoring;
const gcp = stack.node.findChild("gcp-monitoring") as GcpMonitoring;

describe("each cloud's table", () => {
  it.each([
    ["aws", aws.rows],
    ["azure", azure.rows],
    ["gcp", gcp.rows],
  ] as const)("%s: rows have distinct names and thresholds derived from the objectives", (_, rows) => {
    const names = rows.map(nameOf);
    expect(new Set(names).size).toBe(names.length);
    for (const row of rows) {
      const thresholds =
        "threshold" in row
          ? [row.threshold]
          : row.conditions.flatMap((c) => (c.conditionThreshold ? [c.conditionThreshold.thresholdValue] : []));
      // Latency rows compare with the objective (AWS's load balancer reports seconds).
      if (row.signal === "latency") {
        expect(thresholds).toEqual([row.target === "aws.container" ? 1.234 : objectives.latencyP99Ms]);
      }
      // Azure's burn rows compare the capped 5xx ratio of their tier.
      if (row.signal === "error" && "kind" in row && row.kind === "log") {
        expect(burnRatios).toContain(row.threshold);
      }
    }
  });
});

describe("the loop: one alert per row", () => {
  it("Azure: every row is one scheduled query or metric alert of its name, threshold and severity", () => {
    const alerts = byName(["azurerm_monitor_scheduled_query_rules_alert_v2", "azurerm_monitor_metric_alert"], "name");
    expect(Object.keys(alerts).sort()).toEqual(azure.rows.map(nameOf).sort());
    // Azure alert severities: 0 critical, 1 error, 2 warning, 3 informational (learn.microsoft.com/azure/azure-monitor/alerts/alerts-overview).
    const severity = { page: 1, warn: 2, ticket: 3 };
    for (const row of azure.rows) {
      const alert = alerts[nameOf(row)];
      expect(alert.severity).toBe(severity[severityOf(row)]);
      const criteria = (alert.criteria as Block[] | undefined)?.[0];
      if (row.kind === "web-test") {
        expect(alert.application_insights_web_test_location_availability_criteria).toEqual(
          expect.objectContaining({ failed_location_count: row.threshold }),
        );
      } else {
        expect(criteria?.threshold).toBe(row.threshold);
      }
    }
    // The burn tiers are the ones that page or ticket: 4 per target.
    expect(azure.rows.filter((r) => r.severity === "ticket").map(nameOf)).toEqual([
      `${base.service}-${base.environment}-azure-function-error-http-5xx-burn-ticket`,
      `${base.service}-${base.environment}-azure-container-error-http-5xx-burn-ticket`,
    ]);
  });

  it("GCP: every row is one alert policy of its name, with the row's conditions and severity, to every channel", () => {
    const policies = byName(["google_monitoring_alert_policy"], "display_name");
    expect(Object.keys(policies).sort()).toEqual(gcp.rows.map(nameOf).sort());
    const channels = Object.keys(resourcesOf(json, "google_monitoring_notification_channel"));
    expect(channels).toHaveLength(3);
    for (const row of gcp.rows) {
      const policy = policies[nameOf(row)];
      expect(policy.severity).toBe(severityOf(row) === "page" ? "CRITICAL" : "WARNING");
      expect(policy.notification_channels).toHaveLength(channels.length);
      const conditions = policy.conditions as Block[];
      expect(conditions.map((c) => (c.condition_threshold as Block | undefined)?.threshold_value)).toEqual(
        row.conditions.map((c) => c.conditionThreshold?.thresholdValue),
      );
    }
  });

  it("AWS: every threshold row is one metric alarm of its name and threshold, to the topic", () => {
    const alarms = byName(["aws_cloudwatch_metric_alarm"], "alarm_name");
    for (const row of aws.rows) {
      const alarm = alarms[nameOf(row)];
      expect(alarm).toEqual(expect.objectContaining({ threshold: row.threshold, comparison_operator: row.comparison }));
      expect(alarm.alarm_actions).toHaveLength(1);
    }
    // Burn windows and composites come from each SLI, probes and delivery alarms from the route: the rest is the table.
    const threshold = Object.keys(alarms).filter((name) => !/-(burn|availability)-|-alerts-delivery/.test(name));
    expect(threshold.sort()).toEqual(aws.rows.map(nameOf).sort());
  });
});

describe("a route that reaches nobody", () => {
  const unrouted: AlertRoute = {
    name: `${base.service}-${base.environment}-alerts`,
    environment: config.name,
    emails: [],
  };
  const propsOf = <S>(cloud: "aws" | "azure" | "gcp", settings: S): CloudMonitoringProps<S> => ({
    spec: stack.spec,
    settings,
    targets: stack.targets.filter((t) => t.cloud === cloud),
    objectives,
    route: unrouted,
    protect: false,
  });
  const builders = {
    aws: (id: string, silenced?: string) =>
      new AwsMonitoring(stack, id, {
        ...propsOf("aws", config.aws as NonNullable<typeof config.aws>),
        objectives: { ...objectives, silencedBecause: silenced },
      }),
    azure: (id: string, silenced?: string) =>
      new AzureMonitoring(stack, id, {
        ...propsOf("azure", config.azure as NonNullable<typeof config.azure>),
        objectives: { ...objectives, silencedBecause: silenced },
      }),
    gcp: (id: string, silenced?: string) =>
      new GcpMonitoring(stack, id, {
        ...propsOf("gcp", config.gcp as NonNullable<typeof config.gcp>),
        objectives: { ...objectives, silencedBecause: silenced },
      }),
  };

  it.each(Object.keys(builders) as (keyof typeof builders)[])(
    "%s: is a construct error (BPE_MONITORING_1) before any row becomes an alert",
    (cloud) => {
      let error: unknown;
      try {
        builders[cloud](`${cloud}-unrouted`);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConstructError);
      expect((error as ConstructError).code).toBe("BPE_MONITORING_1");
      expect((error as ConstructError).message).toContain(`${cloud}-unrouted`);
    },
  );

  it.each(Object.keys(builders) as (keyof typeof builders)[])(
    "%s: is accepted when the environment is silenced: the rows exist, no alert is made",
    (cloud) => {
      const monitoring = builders[cloud](`${cloud}-silenced`, "migration window");
      expect(monitoring.rows.length).toBeGreaterThan(0);
      expect(monitoring.alerts).toEqual([]);
    },
  );
});
