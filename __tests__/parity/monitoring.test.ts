/**
 * Operations parity: in every shipped environment, every target on every
 * enabled cloud has error, latency and saturation alerts and an outside
 * health check, all pointing at that environment's route on its cloud; the
 * edge has its own. A silenced environment keeps dashboards and checks,
 * has no alerts, and its policy findings are suppressed with the reason.
 */
import { type EnvironmentConfig, ORIGINS } from "../../lib/config/schema";
import { PLAN_ALLOWS } from "../../lib/edge/plan";
import { parseAlertName, type Signal } from "../../lib/monitoring/alerts";
import { policyFindings } from "../../lib/policy";
import { environmentConfig, shippedEnvironments, synthEnvironment } from "../helpers/environments";
import { resourcesOf, type TerraformJson } from "../helpers/terraform";

type Block = Record<string, unknown>;

/** Each cloud's alert resources: the name attribute and the route(s) an alert notifies. */
const ALERTS: Record<string, { readonly name: string; readonly routes: (alert: Block) => unknown[] }> = {
  aws_cloudwatch_metric_alarm: { name: "alarm_name", routes: (a) => a.alarm_actions as unknown[] },
  aws_cloudwatch_composite_alarm: { name: "alarm_name", routes: (a) => a.alarm_actions as unknown[] },
  azurerm_monitor_metric_alert: {
    name: "name",
    routes: (a) => (a.action as Block[]).map((action) => action.action_group_id),
  },
  azurerm_monitor_scheduled_query_rules_alert_v2: {
    name: "name",
    routes: (a) => (a.action as Block).action_groups as unknown[],
  },
  google_monitoring_alert_policy: { name: "display_name", routes: (a) => a.notification_channels as unknown[] },
  cloudflare_notification_policy: { name: "name", routes: (a) => [a.mechanisms] },
};

/** The environment's route on each cloud, as the references alerts must carry. */
function routesOf(json: TerraformJson): Record<string, unknown[]> {
  const refs = (type: string, attribute: string) =>
    Object.keys(resourcesOf(json, type)).map((id) => `\${${type}.${id}.${attribute}}`);
  return {
    // Route 53 health-check alarms notify the route's twin topic in us-east-1.
    aws_cloudwatch_metric_alarm: refs("aws_sns_topic", "arn"),
    aws_cloudwatch_composite_alarm: refs("aws_sns_topic", "arn"),
    azurerm_monitor_metric_alert: refs("azurerm_monitor_action_group", "id"),
    azurerm_monitor_scheduled_query_rules_alert_v2: refs("azurerm_monitor_action_group", "id"),
    google_monitoring_alert_policy: refs("google_monitoring_notification_channel", "id"),
  };
}

interface Seen {
  readonly target: string;
  readonly signal: Signal;
  readonly type: string;
  readonly name: string;
  readonly routes: unknown[];
}

/** The alerts that notify: a window of a burn-rate alarm (no actions, named by a composite's rule) is part of its composite. */
function alertsOf(json: TerraformJson): Seen[] {
  const rules = Object.values(resourcesOf(json, "aws_cloudwatch_composite_alarm"))
    .map((c) => String(c.alarm_rule))
    .join(" ");
  return Object.entries(ALERTS).flatMap(([type, spec]) =>
    Object.entries(resourcesOf(json, type))
      .filter(
        ([id, alert]) =>
          !(
            type === "aws_cloudwatch_metric_alarm" &&
            alert.alarm_actions === undefined &&
            rules.includes(`${type}.${id}.`)
          ),
      )
      // The route's own delivery alarm watches no target (meta-monitoring).
      .filter(([, alert]) => !/-alerts-delivery(-[a-z0-9-]+)?$/.test(String(alert[spec.name])))
      .map(([, alert]) => {
        const parsed = parseAlertName(String(alert[spec.name]));
        if (parsed === undefined) throw new Error(`${type} "${alert[spec.name]}" does not name a target and signal`);
        return { ...parsed, type, name: String(alert[spec.name]), routes: spec.routes(alert) };
      }),
  );
}

const enabledOrigins = (config: EnvironmentConfig) =>
  ORIGINS.filter((origin) => config.clouds.includes(origin.split(".")[0] as EnvironmentConfig["clouds"][number]));

describe.each(shippedEnvironments().map((config) => [config.name, config] as const))(
  "environment %s",
  (_name, config) => {
    const { json } = synthEnvironment(config);
    const alerts = alertsOf(json);
    const routes = routesOf(json);

    it.each(enabledOrigins(config))(
      "%s has error, latency, saturation and availability alerts on its route",
      (origin) => {
        const key = origin.replace(".", "-");
        const own = alerts.filter((a) => a.target === key);
        for (const signal of ["error", "latency", "saturation"] as const) {
          expect(own.filter((a) => a.signal === signal).length).toBeGreaterThanOrEqual(1);
        }
        // Every burn tier of the availability objective: two pages and a ticket.
        for (const tier of ["fast", "slow", "ticket"]) {
          expect([tier, own.filter((a) => a.signal === "error" && a.name.endsWith(`-burn-${tier}`)).length]).toEqual([
            tier,
            1,
          ]);
        }
        for (const alert of own) {
          expect(alert.routes.length).toBeGreaterThan(0);
          expect(routes[alert.type]).toEqual(expect.arrayContaining(alert.routes));
        }
        // One outside health check: the cloud's own, or Cloudflare's where the zone's plan has them.
        const checks = [
          ...own.filter((a) => a.signal === "availability"),
          ...Object.values(resourcesOf(json, "cloudflare_healthcheck")).filter(
            (c) => c.name === `${nameStem(json)}-${key}-health`,
          ),
        ];
        expect(checks).toHaveLength(1);
      },
    );

    it("alerts on the edge's health from outside, and on its zone's error rate where the plan has it", () => {
      const edge = alerts.filter((a) => a.target === "edge");
      const zoneAlert = PLAN_ALLOWS[config.cloudflare.plan].edgeErrorAlert && !config.cloudflare.zoneShared;
      // Availability: the edge's health path and the service's through it (one Cloudflare policy, or one alert each).
      expect([...new Set(edge.map((a) => a.signal))].sort()).toEqual(
        zoneAlert ? ["availability", "error"] : ["availability"],
      );
      for (const alert of edge.filter((a) => a.type === "cloudflare_notification_policy")) {
        expect(alert.routes[0]).toEqual(
          expect.objectContaining({
            email: config.monitoring.notify.emails.map((id) => ({ id })),
          }),
        );
      }
    });

    it("has one dashboard per enabled cloud and one route per cloud, named for the environment", () => {
      const dashboards = {
        aws: "aws_cloudwatch_dashboard",
        azure: "azurerm_application_insights_workbook",
        gcp: "google_monitoring_dashboard",
      } as const;
      for (const cloud of config.clouds) expect(Object.keys(resourcesOf(json, dashboards[cloud]))).toHaveLength(1);
      const named = (type: string, attribute: string) =>
        Object.values(resourcesOf(json, type)).map((r) => String(r[attribute]));
      // AWS: the route, and its twin in us-east-1 where Route 53 health-check alarms live.
      if (config.clouds.includes("aws")) {
        expect(new Set(named("aws_sns_topic", "name"))).toEqual(new Set([`${nameStem(json)}-alerts`]));
      }
      if (config.clouds.includes("azure")) {
        expect(named("azurerm_monitor_action_group", "name")).toEqual([`${nameStem(json)}-alerts`]);
      }
      if (config.clouds.includes("gcp")) {
        for (const name of named("google_monitoring_notification_channel", "display_name")) {
          expect(name.startsWith(`${nameStem(json)}-alerts `)).toBe(true);
        }
      }
    });
  },
);

/** `<service>-<environment>`, read from the Worker's script name so the test follows the config. */
function nameStem(json: TerraformJson): string {
  // The edge router's script (an environment with receivers also has its alert relay's).
  const script = Object.values(resourcesOf(json, "cloudflare_workers_script")).find((s) =>
    String(s.script_name).endsWith("-edge"),
  );
  return String(script?.script_name).replace(/-edge$/, "");
}

describe("a silenced environment", () => {
  const reason = "a scratch environment nobody is on call for";
  const config = environmentConfig({
    monitoring: { notify: { emails: ["oncall@test.invalid"] }, silenced: { reason } },
  });
  const { stack, json } = synthEnvironment(config);

  it("has no alerts but keeps dashboards and outside checks", () => {
    expect(alertsOf(json)).toEqual([]);
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_dashboard"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "google_monitoring_uptime_check_config")).length).toBeGreaterThan(0);
    expect(
      Object.keys({ ...resourcesOf(json, "cloudflare_healthcheck"), ...resourcesOf(json, "aws_route53_health_check") })
        .length,
    ).toBeGreaterThan(0);
  });

  it("suppresses the missing-alert finding on every workload with the reason, instead of failing synth", () => {
    const findings = policyFindings(stack).filter((f) => f.ruleId === "BP_OPS_1" || f.ruleId === "BP_OPS_3");
    expect(findings).toHaveLength(2 * enabledOrigins(config).length);
    for (const finding of findings) expect(finding.suppressedBecause).toBe(reason);
  });
});
