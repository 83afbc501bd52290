/**
 * What a Cloudflare zone plan allows the edge's operations layer, so a fork on
 * any plan applies: standalone health checks need a paid zone and count per
 * zone across every environment on it; the zone's HTTP error-rate alert
 * (`http_alert_edge_error`) needs Business. Where Cloudflare cannot probe,
 * each cloud probes its own origins and one cloud probes the edge
 * (docs/operations.md, "Checks on any plan").
 */
import type { CLOUDFLARE_PLANS } from "../config/schema";

export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/**
 * Standalone health checks per zone and whether the zone error-rate alert exists, per plan
 * (Cloudflare's plan table, developers.cloudflare.com/health-checks "Availability": health checks
 * from Pro, 10 on Pro; HTTP error-rate alerts from Business). Higher plans allow more checks;
 * Pro's 10 is used for all, which the 3 checks of an environment never reach.
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
