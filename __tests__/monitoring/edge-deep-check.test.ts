/**
 * The deep check through the edge: whoever probes the edge (Cloudflare on a paid zone it owns,
 * else the enabled cloud of lowest `edge.proberRank`) also probes the service's health path on
 * the edge hostname, which the Worker forwards to an origin with the origin secret, and an
 * alert on the route pages when it fails.
 */
import type { Cloud } from "../../lib/config/schema";
import { edgeProber } from "../../lib/stacks/clouds";
import { SHIPPED_CLOUDS } from "../helpers/clouds";
import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";

type Block = Record<string, unknown>;

/** The synthesized check of the edge on `path`: its host and path, and the alerts that refer to it. */
function deepCheck(json: Parameters<typeof resourcesOf>[0], prober: Cloud | "cloudflare", host: string, path: string) {
  const alerts = (type: string, ref: string) =>
    Object.values(resourcesOf(json, type)).filter((a) => JSON.stringify(a).includes(ref));
  if (prober === "cloudflare") {
    const found = Object.entries(resourcesOf(json, "cloudflare_healthcheck")).filter(
      ([, c]) => c.address === host && (c.http_config as Block).path === path,
    );
    return {
      checks: found.length,
      alerts: found.flatMap(([id]) => alerts("cloudflare_notification_policy", `cloudflare_healthcheck.${id}.id`)),
    };
  }
  if (prober === "aws") {
    const found = Object.entries(resourcesOf(json, "aws_route53_health_check")).filter(
      ([, c]) => c.fqdn === host && c.resource_path === path,
    );
    return {
      checks: found.length,
      alerts: found.flatMap(([id]) => alerts("aws_cloudwatch_metric_alarm", `aws_route53_health_check.${id}.id`)),
    };
  }
  if (prober === "azure") {
    const found = Object.entries(resourcesOf(json, "azurerm_application_insights_standard_web_test")).filter(
      ([, c]) => (c.request as Block).url === `https://${host}${path}`,
    );
    return {
      checks: found.length,
      alerts: found.flatMap(([id]) =>
        alerts("azurerm_monitor_metric_alert", `azurerm_application_insights_standard_web_test.${id}.id`),
      ),
    };
  }
  const found = Object.entries(resourcesOf(json, "google_monitoring_uptime_check_config")).filter(
    ([, c]) => ((c.monitored_resource as Block).labels as Block).host === host && (c.http_check as Block).path === path,
  );
  return {
    checks: found.length,
    alerts: found.flatMap(([id]) =>
      alerts("google_monitoring_alert_policy", `google_monitoring_uptime_check_config.${id}.uptime_check_id`),
    ),
  };
}

const cases: [string, Cloud | "cloudflare", ReturnType<typeof environmentConfig>][] = [
  ...SHIPPED_CLOUDS.map((cloud): [string, Cloud, ReturnType<typeof environmentConfig>] => [
    cloud,
    cloud,
    environmentConfig({ clouds: [cloud], weights: undefined }),
  ]),
  [
    "cloudflare (pro zone owned by the environment)",
    "cloudflare",
    environmentConfig({ cloudflare: { plan: "pro", zoneShared: false } }),
  ],
];

it.each(cases)(
  "%s probes the service's health path through the edge host, and pages on it",
  (_name, prober, config) => {
    if (prober !== "cloudflare") expect(edgeProber(config)).toBe(prober);
    const { json, stack } = synthEnvironment(config);
    const host = new URL(stack.edge.url).host;
    expect(host).toBe(`api.${config.cloudflare.domain}`);
    const deep = deepCheck(json, prober, host, stack.spec.healthPath);
    expect(deep.checks).toBe(1);
    expect(deep.alerts.map((a) => String(a.name ?? a.alarm_name ?? a.display_name))).toEqual([
      expect.stringMatching(/-edge-availability-origin-health$|-edge-availability-health-checks$/),
    ]);
    // Routed like every other alert.
    expect(JSON.stringify(deep.alerts[0])).toMatch(/alarm_actions|action|notification_channels|mechanisms/);
  },
);
