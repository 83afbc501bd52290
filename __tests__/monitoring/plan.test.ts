/**
 * Checks that apply on the zone's plan: a free-plan fork creates no Cloudflare
 * health check and no Business-only alert, and every origin and the edge are
 * still probed from outside by a cloud.
 */
import { company, environments } from "../../environments";
import { loadCompany } from "../../lib/config/company";
import { loadEnvironments } from "../../lib/config/load";
import { CLOUDFLARE_PLANS } from "../../lib/config/schema";
import { edgeChecks, PLAN_ALLOWS } from "../../lib/edge/plan";
import { COMPANY, resourcesOf, synthEnvironment } from "../helpers/environments";

it("a company that names no plan gets free, the plan every zone can apply", () => {
  const { accountId, zoneId } = COMPANY.cloudflare;
  expect(loadCompany({ ...company, cloudflare: { accountId, zoneId } }).cloudflare.plan).toBe("free");
  expect(() => loadCompany({ ...company, cloudflare: { accountId, zoneId, plan: "gold" } })).toThrow(/plan/);
});

describe("a free-plan fork (every shipped environment, company plan free)", () => {
  const configs = loadEnvironments(environments, { ...COMPANY, cloudflare: { ...COMPANY.cloudflare, plan: "free" } });

  it.each(configs.map((config) => [config.name, config] as const))(
    "%s: no Cloudflare health check or zone alert; still probed",
    (_name, config) => {
      const { json } = synthEnvironment(config);
      expect(resourcesOf(json, "cloudflare_healthcheck")).toEqual({});
      const types = Object.values(resourcesOf(json, "cloudflare_notification_policy")).map((p) => p.alert_type);
      expect(types).not.toContain("http_alert_edge_error");
      expect(types).not.toContain("health_check_status_notification");
      // The edge is probed by one cloud: a GCP uptime check, Route 53 health check or Azure standard test on its health path.
      const edgeProbes = [
        ...Object.values(resourcesOf(json, "google_monitoring_uptime_check_config")).map((c) => String(c.display_name)),
        ...Object.values(resourcesOf(json, "aws_route53_health_check")).map((c) =>
          String((c.tags as Record<string, string>).Name),
        ),
        ...Object.values(resourcesOf(json, "azurerm_application_insights_standard_web_test")).map((c) =>
          String(c.name),
        ),
      ].filter((name) => name.endsWith("-edge-health"));
      expect(edgeProbes).toHaveLength(1);
    },
  );
});

describe("edgeChecks", () => {
  it.each(CLOUDFLARE_PLANS.map((plan) => [plan] as const))(
    "%s: only the zone's owner creates zone-wide checks and alerts",
    (plan) => {
      expect(edgeChecks({ plan, zoneShared: true }, 3)).toEqual({
        cloudflareHealthChecks: false,
        edgeErrorAlert: false,
      });
      expect(edgeChecks({ plan, zoneShared: false }, 3)).toEqual({
        cloudflareHealthChecks: PLAN_ALLOWS[plan].healthChecks >= 3,
        edgeErrorAlert: PLAN_ALLOWS[plan].edgeErrorAlert,
      });
    },
  );

  it("falls back to native checks when the environment needs more checks than the plan allows", () => {
    expect(
      edgeChecks({ plan: "pro", zoneShared: false }, PLAN_ALLOWS.pro.healthChecks + 1).cloudflareHealthChecks,
    ).toBe(false);
    expect(PLAN_ALLOWS.free).toEqual({ healthChecks: 0, edgeErrorAlert: false });
    expect(PLAN_ALLOWS.pro.edgeErrorAlert).toBe(false);
  });
});
