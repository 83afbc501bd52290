/**
 * What a Cloudflare zone plan allows the edge's operations layer, so a fork on
 * any plan applies: standalone health checks need a paid zone and count per
 * zone across every environment on it; the zone's HTTP error-rate alert
 * (`http_alert_edge_error`) needs Business. Where Cloudflare cannot probe,
 * each cloud probes its own origins and one cloud probes the edge
 * (docs/operations.md, "Checks on any plan").
 */
import type { CLOUDFLARE_PLANS } from "../config/schema";
import type { EdgeProbe } from "../contract/cloud";
import { HEALTH_PATH } from "./worker/contract";

export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/**
 * Standalone health checks per zone and whether the zone error-rate alert exists, per plan
 * (Cloudflare's plan table, developers.cloudflare.com/health-checks "Availability": health checks
 * from Pro, 10 on Pro; HTTP error-rate alerts from Business). Higher plans allow more checks;
 * Pro's 10 is used for all, which the 4 checks of an environment never reach.
 */
export const PLAN_ALLOWS: Readonly<
  Record<CloudflarePlan, { readonly healthChecks: number; readonly edgeErrorAlert: boolean }>
> = {
  free: { healthChecks: 0, edgeErrorAlert: false },
  pro: { healthChecks: 10, edgeErrorAlert: false },
  business: { healthChecks: 10, edgeErrorAlert: true },
  enterprise: { healthChecks: 10, edgeErrorAlert: true },
};

export interface EdgeChecks {
  /** Cloudflare health checks probe the edge and the origins without a native check (AWS). */
  readonly cloudflareHealthChecks: boolean;
  /** The zone-wide edge error-rate alert: created once per zone, by the environment that owns it. */
  readonly edgeErrorAlert: boolean;
}

/**
 * The checks one environment creates on its zone. Only the environment that owns the zone
 * (`zoneShared: false`, the root domain's) creates zone-wide objects, so the zone's health-check
 * count is that environment's `needed` and never grows with the number of environments.
 */
export function edgeChecks(
  cloudflare: { readonly plan: CloudflarePlan; readonly zoneShared: boolean },
  needed: number,
): EdgeChecks {
  const allows = PLAN_ALLOWS[cloudflare.plan];
  const owner = !cloudflare.zoneShared;
  return {
    cloudflareHealthChecks: owner && needed > 0 && needed <= allows.healthChecks,
    edgeErrorAlert: owner && allows.edgeErrorAlert,
  };
}

/**
 * The outside checks of the edge, whoever runs them (Cloudflare or one cloud): the Worker's own
 * health path, and the service's health path through the edge hostname, which the Worker forwards
 * to an origin with the origin secret (the workload checks a secret it is sent, even on its health
 * path, app/app.ts), so an origin-secret mismatch or every origin down fails it end to end.
 * Both stay out of the SLIs where a signal can filter them: the health path is dropped there.
 */
export function edgeProbes(edgeUrl: string, healthPath: string): readonly EdgeProbe[] {
  return [
    { what: "health", url: edgeUrl, path: HEALTH_PATH },
    { what: "origin-health", url: edgeUrl, path: healthPath },
  ];
}
