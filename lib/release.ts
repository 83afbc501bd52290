/**
 * Releases: what the pipeline deploys, and which step of a rollout it is at.
 *
 * A release is one commit: its id is the commit SHA and, once the build job
 * has pushed the image, the image digest. Every target runs the same release
 * (the function zips are built from the same commit, and every target gets
 * the release id and digest as RELEASE_ID / IMAGE_DIGEST, which `GET /`
 * reports). The pipeline threads both from the build job to every later job;
 * nothing here is typed by hand.
 *
 * A rollout has three steps, each one synthesized and applied by a job
 * (docs/releasing.md):
 * - `canary`: the new release takes `canaryPercent` of every target that can
 *   split traffic, the stable release the rest (100% when canaryPercent is 0
 *   or there is no stable release yet).
 * - `promote`: the new release takes 100%.
 * - `rollback`: the stable release takes 100% again, even after a promote.
 *
 * The stable release (and the per-target revision or version it runs on) is
 * the `release` output of the environment's last apply, which the pipeline
 * reads from state before synth (`ci/release/stable.ts`).
 */
import type { EnvironmentConfig, OriginId } from "./config/schema";

/** Environment variables every target gets from the release; defined beside the workload that reads them. */
export { RELEASE_ENV } from "../app/constants";

export const RELEASE_STEPS = ["canary", "promote", "rollback"] as const;
export type ReleaseStep = (typeof RELEASE_STEPS)[number];

/** A release as the workload reports it. */
export interface ReleaseId {
  /** Commit SHA (or another id the pipeline chose), 1-64 of [0-9A-Za-z._-]. */
  readonly id: string;
  /**
   * Image digest `sha256:<64 hex>` the build job pushed.
   * @default - no digest: the container targets deploy the service's default image
   */
  readonly digest?: string;
}

/** What the last apply left at 100%: the `release` output of the environment's state. */
export interface StableRelease extends ReleaseId {
  /**
   * Per origin that splits traffic between releases, the revision or version
   * serving it (Lambda version, Container Apps revision suffix, Cloud Run revision).
   * @default - none: those targets send everything to the new release
   */
  readonly revisions?: Readonly<Partial<Record<OriginId, string>>>;
}

/** Everything a stack needs to know about the release it deploys. */
export interface Release extends ReleaseId {
  /**
   * The rollout step.
   * @default "canary"
   */
  readonly step?: ReleaseStep;
  /**
   * The release serving before this pipeline.
   * @default - none (a first deploy): the new release takes all traffic
   */
  readonly stable?: StableRelease;
}

/** The release of a fresh clone: no pipeline, no digest. */
export const LOCAL_RELEASE: Release = { id: "local" };

const RELEASE_ID = /^[0-9A-Za-z._-]{1,64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Problems with a release, one line each (empty when valid). */
export function releaseProblems(release: Release): string[] {
  const problems: string[] = [];
  const check = (what: string, r: ReleaseId) => {
    if (!RELEASE_ID.test(r.id)) problems.push(`${what} id "${r.id}" must be 1-64 of 0-9 A-Z a-z . _ -`);
    if (r.digest !== undefined && !DIGEST.test(r.digest)) {
      problems.push(`${what} digest "${r.digest}" must be sha256: followed by 64 lowercase hex digits`);
    }
  };
  check("release", release);
  if (release.stable !== undefined) check("stable release", release.stable);
  if (release.step !== undefined && !RELEASE_STEPS.includes(release.step)) {
    problems.push(`release step "${release.step}" must be one of ${RELEASE_STEPS.join(", ")}`);
  }
  return problems;
}

/**
 * Percent of a splittable target's traffic the new release gets at `step`.
 * 100 without a stable release to split with (first deploy) and without a canary.
 */
export function newReleasePercent(step: ReleaseStep, canaryPercent: number, hasStable: boolean): number {
  if (!hasStable) return 100;
  if (step === "rollback") return 0;
  if (step === "promote") return 100;
  return canaryPercent > 0 ? canaryPercent : 100;
}

/**
 * One target's share between the new and the stable release: `stable` is the
 * stable release's revision or version on that target (undefined when there
 * is none, then `newPercent` is 100).
 */
export interface Rollout {
  /** 0-100: percent of the target's traffic on the new release. */
  readonly newPercent: number;
  /** The stable revision/version id on this target. */
  readonly stable?: string;
}

/** The rollout of one target, from the release and the stable id the target had. */
export function rolloutFor(release: Release, canaryPercent: number, stable: string | undefined): Rollout {
  if (stable === undefined) return { newPercent: 100 };
  return { newPercent: newReleasePercent(release.step ?? "canary", canaryPercent, true), stable };
}

/**
 * The edge weights for `step`: configured weights, with the origins that
 * cannot split traffic between two releases (`splitByEdge`: their targets
 * replace their code in place, lib/stacks/clouds.ts `EDGE_SPLIT_ORIGINS`)
 * scaled to the new release's percent (rounded down, so a canary never gets
 * more than its share), and none on rollback (they run the new release,
 * which a rollback takes out of service). Without a stable release (first
 * deploy) the configured weights stand.
 */
/** Origins that split by the edge and origins whose cloud runs its own canary (lib/stacks/clouds.ts). */
export interface ReleaseSplits {
  readonly byEdge: readonly OriginId[];
  readonly bySelf: readonly OriginId[];
}

/**
 * The share (0 to 1) of an origin's answers that come from the release being
 * rolled out at its step, which the edge tags its analytics with so the canary
 * analysis can judge the new release alone: 1 on the origins the edge splits
 * (they run the release in place), the canary share where the cloud splits.
 * For a cloud's own canary (ECS) it is the share of its canary phase: after its
 * own bake ECS moves to 100%, so the analysis counts fewer new-release answers
 * than there were and errs towards failing.
 */
export function releaseShare(
  origin: OriginId,
  release: Release,
  canaryPercent: number,
  stableRevision: string | undefined,
  splits: ReleaseSplits,
): number {
  if (splits.byEdge.includes(origin)) return 1;
  const step = release.step ?? "canary";
  const percent = splits.bySelf.includes(origin)
    ? newReleasePercent(step, canaryPercent, release.stable !== undefined)
    : rolloutFor(release, canaryPercent, stableRevision).newPercent;
  return percent / 100;
}

export function edgeWeights(
  config: EnvironmentConfig,
  release: Release,
  splitByEdge: readonly OriginId[],
): Partial<Record<OriginId, number>> {
  const percent = newReleasePercent(release.step ?? "canary", config.canaryPercent, release.stable !== undefined);
  const weights: Partial<Record<OriginId, number>> = { ...config.weights };
  for (const origin of splitByEdge) {
    const weight = weights[origin];
    if (weight !== undefined) weights[origin] = Math.floor((weight * percent) / 100);
  }
  return weights;
}

/**
 * The steps of an environment's rollout, in order: the deploy (`canary`),
 * `promote` only where a canary splits traffic (`canaryPercent > 0`), and
 * `rollback`. The pipeline plans and applies the steps after the deploy
 * (ci/pipeline/release.ts) and analyses the canary only where there is one:
 * it reads this list, never `canaryPercent` itself.
 */
export function rolloutSteps(config: Pick<EnvironmentConfig, "canaryPercent">): readonly ReleaseStep[] {
  return config.canaryPercent > 0 ? RELEASE_STEPS : RELEASE_STEPS.filter((step) => step !== "promote");
}

/**
 * One environment's rollout at one release step, computed once
 * (`rolloutPlan`): what every target, the edge and the release outputs read,
 * so the step's default and the percent are decided in one place.
 */
export interface RolloutPlan {
  /** The step (`canary` when the release names none). */
  readonly step: ReleaseStep;
  /** Percent of a splitting target's traffic on the new release (100 on a first deploy or without a canary). */
  readonly newPercent: number;
  /** An origin's target: its share of the new release and the stable revision or version it keeps. */
  readonly target: (origin: OriginId) => Rollout;
  /** The edge's weight per origin for the step (`edgeWeights`). */
  readonly edgeWeights: Readonly<Partial<Record<OriginId, number>>>;
  /** The share of an origin's answers from the release rolled out (`releaseShare`), which the edge tags. */
  readonly releaseShare: (origin: OriginId) => number;
  /** What serves 100% after the step: the new release, else the stable one (the next pipeline's stable release). */
  readonly settled: ReleaseId;
}

/**
 * The rollout plan of `release` on `config`'s environment.
 * @param splits - origins that cannot split traffic themselves and origins whose cloud runs its own
 *   canary (lib/stacks/clouds.ts `EDGE_SPLIT_ORIGINS`, `SELF_SPLIT_ORIGINS`)
 */
export function rolloutPlan(config: EnvironmentConfig, release: Release, splits: ReleaseSplits): RolloutPlan {
  const { stable } = release;
  const newPercent = newReleasePercent(release.step ?? "canary", config.canaryPercent, stable !== undefined);
  return {
    step: release.step ?? "canary",
    newPercent,
    // Values only (no runtime import of the config schema): the edge Worker's bundle reaches this module.
    target: (origin) => rolloutFor(release, config.canaryPercent, stable?.revisions?.[origin]),
    edgeWeights: edgeWeights(config, release, splits.byEdge),
    releaseShare: (origin) => releaseShare(origin, release, config.canaryPercent, stable?.revisions?.[origin], splits),
    settled: newPercent === 100 || stable === undefined ? release : stable,
  };
}

/** The image a container target deploys for the release: the service's repository at the digest. */
export function releaseImage(serviceName: string, release: ReleaseId, defaultImage: string): string {
  return release.digest === undefined ? defaultImage : `${serviceName}@${release.digest}`;
}
