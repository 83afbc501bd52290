/**
 * Container Apps traffic for a canary. A canary needs two revisions that both
 * exist: the new one (always the latest revision) and the stable one it is
 * compared with. Azure names revisions itself, so the stable one is named by
 * the environment (`azure.stableRevision`, the suffix after `<app>--`): a
 * traffic entry for a revision that does not exist fails the apply, so no
 * split is made without it.
 *
 * - canary 0, or no stable revision: revision mode Single, 100% to the latest
 *   revision; Azure deactivates superseded revisions (no idle replicas left).
 * - canary N with a stable revision: revision mode Multiple, N% to the latest
 *   revision (label "canary") and 100-N% to the stable one (label "stable").
 *   Each label also gets its own URL (`<app>---<label>.<environment domain>`).
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

export function trafficPlan(canaryPercent: number, stableRevision?: string): TrafficPlan {
  if (!Number.isInteger(canaryPercent) || canaryPercent < 0 || canaryPercent > 100) {
    throw new Error(`canaryPercent must be a whole number from 0 to 100, got ${canaryPercent}`);
  }
  if (stableRevision !== undefined && !isRevisionSuffix(stableRevision)) {
    throw new Error(
      `stable revision "${stableRevision}" is not a revision suffix (lowercase letters, digits, single hyphens, at most 30)`,
    );
  }
  if (canaryPercent === 0 || stableRevision === undefined) {
    return { revisionMode: "Single", weights: [{ latestRevision: true, percentage: 100 }], canaryPercent: 0 };
  }
  return {
    revisionMode: "Multiple",
    weights: [
      { latestRevision: true, percentage: canaryPercent, label: "canary" },
      { revisionSuffix: stableRevision, percentage: 100 - canaryPercent, label: "stable" },
    ],
    canaryPercent,
  };
}
