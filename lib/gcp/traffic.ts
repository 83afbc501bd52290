/**
 * Cloud Run traffic for one deploy. Every entry pins an explicit revision
 * that exists once the apply is done: the new revision this template creates,
 * and, during a canary, the stable revision named in the config (the one
 * serving before this deploy). Without a stable revision there is nothing to
 * split against and the new revision takes everything.
 */
import type { CloudRunV2ServiceTraffic } from "@cdktf/provider-google/lib/cloud-run-v2-service";

const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

export interface TrafficPlan {
  readonly traffic: CloudRunV2ServiceTraffic[];
  /** Whether the canary split is in effect. */
  readonly canary: boolean;
}

/**
 * @param service Cloud Run service name (a stable revision must belong to it)
 * @param revision the revision this deploy creates
 * @param canaryPercent percent for the new revision (0 = no canary)
 * @param stableRevision the revision serving today, if known
 */
export function trafficFor(
  service: string,
  revision: string,
  canaryPercent: number,
  stableRevision?: string,
): TrafficPlan {
  if (stableRevision !== undefined && !stableRevision.startsWith(`${service}-`)) {
    throw new Error(
      `gcp.stableRevision "${stableRevision}" is not a revision of Cloud Run service "${service}" (names start with "${service}-")`,
    );
  }
  if (canaryPercent <= 0 || stableRevision === undefined || stableRevision === revision) {
    return { traffic: [{ type: REVISION, revision, percent: 100 }], canary: false };
  }
  return {
    traffic: [
      // Tags give each side its own URL (https://stable---... / https://canary---...) for checks.
      { type: REVISION, revision: stableRevision, percent: 100 - canaryPercent, tag: "stable" },
      { type: REVISION, revision, percent: canaryPercent, tag: "canary" },
    ],
    canary: true,
  };
}
