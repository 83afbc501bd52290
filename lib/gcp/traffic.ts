/**
 * Cloud Run traffic for one deploy. Every entry pins an explicit revision
 * that exists once the apply is done: the new revision this template creates,
 * and the stable revision the pipeline read from the last apply (the one
 * serving before this deploy): canary splits, promote sends everything to the
 * new revision, rollback everything to the stable one. Without a stable
 * revision there is nothing to split against and the new revision takes all.
 */
import type { CloudRunV2ServiceTraffic } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { ConstructError } from "../contract/errors";
import type { Rollout } from "../release";

const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

export interface TrafficPlan {
  readonly traffic: CloudRunV2ServiceTraffic[];
  /** Whether the canary split is in effect. */
  readonly canary: boolean;
}

/**
 * @param service Cloud Run service name (a stable revision must belong to it)
 * @param revision the revision this deploy creates
 * @param rollout the new release's percent and the stable revision (lib/release.ts)
 */
export function trafficFor(service: string, revision: string, rollout: Rollout): TrafficPlan {
  const { newPercent, stable } = rollout;
  if (stable !== undefined && !stable.startsWith(`${service}-`)) {
    throw new ConstructError(
      "BPE_GCP_4",
      undefined,
      `stable revision "${stable}" is not a revision of Cloud Run service "${service}" (names start with "${service}-")`,
    );
  }
  if (stable === undefined || stable === revision || newPercent >= 100) {
    return { traffic: [{ type: REVISION, revision, percent: 100 }], canary: false };
  }
  if (newPercent <= 0) {
    return { traffic: [{ type: REVISION, revision: stable, percent: 100, tag: "stable" }], canary: false };
  }
  return {
    traffic: [
      // Tags give each side its own URL (https://stable---... / https://canary---...) for checks.
      { type: REVISION, revision: stable, percent: 100 - newPercent, tag: "stable" },
      { type: REVISION, revision, percent: newPercent, tag: "canary" },
    ],
    canary: true,
  };
}
