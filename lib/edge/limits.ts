/**
 * Cloudflare's limits table: what the edge depends on that a plan or the
 * account's tier bounds, each with the page that states it (checked
 * 2026-12-06). A free zone must still apply: features a free zone lacks
 * (health checks, zone HTTP-error alerts) are switched by the zone's plan,
 * and what the API does at create time (a webhook's test message) is written
 * here so the first deploy does not learn it from a failed apply.
 */
import type { LimitsTable } from "../contract/limits";

/** Zone plans, cheapest first. */
export const CLOUDFLARE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/** A feature a zone has only from some plan up. */
export interface PlanRequirement {
  /** The cheapest plan that has it. */
  readonly from: CloudflarePlan;
  readonly doc: string;
}

export const CLOUDFLARE_PLAN_REQUIREMENTS = {
  /** `cloudflare_healthcheck`: standalone health checks (Pro: 10 per zone). */
  healthChecks: { from: "pro", doc: "https://developers.cloudflare.com/health-checks/" },
  /** Zone HTTP-error-rate notifications (`http_alert_origin_error`, `http_alert_edge_error`). */
  httpErrorAlerts: {
    from: "business",
    doc: "https://developers.cloudflare.com/notifications/notification-available/",
  },
} as const satisfies Readonly<Record<string, PlanRequirement>>;

/** Whether a zone on `plan` has a feature that needs `requirement`. */
export function planAllows(plan: CloudflarePlan, requirement: PlanRequirement): boolean {
  return CLOUDFLARE_PLANS.indexOf(plan) >= CLOUDFLARE_PLANS.indexOf(requirement.from);
}

export const CLOUDFLARE_LIMITS = {
  /** A Worker's compressed size: 3 MB on the free plan (10 MB on paid plans). */
  workerSizeFreeMb: {
    by: "Workers (free plan)",
    max: 3,
    doc: "https://developers.cloudflare.com/workers/platform/limits/#worker-size",
  },
  /** Health checks per zone on Pro. */
  healthChecksPerProZone: {
    by: "Health Checks (Pro)",
    max: 10,
    doc: "https://developers.cloudflare.com/health-checks/",
  },
} as const satisfies LimitsTable;

/**
 * Creating or updating a webhook destination makes Cloudflare POST a test
 * message to its URL; the API refuses the destination unless the URL answers
 * 2xx. The receiver must be live before the environment's first apply.
 */
export const WEBHOOK_TEST_ON_CREATE = {
  resource: "cloudflare_notification_policy_webhooks",
  doc: "https://developers.cloudflare.com/notifications/get-started/configure-webhooks/",
} as const;
