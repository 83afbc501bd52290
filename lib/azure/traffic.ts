import { ConstructError } from "../contract/errors";
import type { Rollout } from "../release";

/**
 * Container Apps traffic for a rollout. A canary needs two revisions that both
 * exist: the new one (always the latest revision) and the stable one it is
 * compared with. Azure names revisions itself, so the stable one comes from
 * the pipeline (the suffix after `<app>--` the last apply left at 100%,
 * lib/release.ts): a traffic entry for a revision that does not exist fails
 * the apply, so no split is made without it.
 *
 * - no stable revision (first deploy): revision mode Single, 100% to the
 *   latest revision.
 * - a stable revision: revision mode Multiple, the new release's percent to
 *   the latest revision (label "canary") and the rest to the stable one
 *   (label "stable"): canary N/100-N, promote 100/0, rollback 0/100. Each
 *   label also gets its own URL (`<app>---<label>.<environment domain>`).
 */

export interface TrafficEntry {
  readonly percentage: number;
  readonly latestRevision?: boolean;
  readonly revisionSuffix?: string;
  readonly label?: string;
}

export interface TrafficPlan {
  readonly revisionMode: "Single" | "Multiple";
  readonly weights: readonly TrafficEntry[];
  /** Percent going to the latest (canary) revision when split, else 0. */
  readonly canaryPercent: number;
}

// Azure-generated suffixes look like "0a1b2c3"; user ones are lowercase letters, digits and single hyphens.
const REVISION_SUFFIX = /^[a-z0-9](?!.*--)[a-z0-9-]{0,28}[a-z0-9]$|^[a-z0-9]$/;

export function isRevisionSuffix(value: string): boolean {
  return REVISION_SUFFIX.test(value);
}

export function trafficPlan(rollout: Rollout): TrafficPlan {
  const { newPercent, stable } = rollout;
  if (!Number.isInteger(newPercent) || newPercent < 0 || newPercent > 100) {
    throw new ConstructError(
      "BPE_AZURE_3",
      undefined,
      `the new release's percent must be a whole number from 0 to 100, got ${newPercent}`,
    );
  }
  if (stable !== undefined && !isRevisionSuffix(stable)) {
    throw new ConstructError(
      "BPE_AZURE_4",
      undefined,
      `stable revision "${stable}" is not a revision suffix (lowercase letters, digits, single hyphens, at most 30)`,
    );
  }
  if (stable === undefined) {
    return { revisionMode: "Single", weights: [{ latestRevision: true, percentage: 100 }], canaryPercent: 0 };
  }
  // Multiple mode keeps the stable revision active at any percent, so a rollback is a traffic change.
  return {
    revisionMode: "Multiple",
    weights: [
      { latestRevision: true, percentage: newPercent, label: "canary" },
      { revisionSuffix: stable, percentage: 100 - newPercent, label: "stable" },
    ],
    canaryPercent: newPercent === 100 ? 0 : newPercent,
  };
}
