/**
 * Which job of a pipeline runs next, as GitLab decides it: a job waits for
 * its `needs` (or, without `needs`, for every job of the earlier stages);
 * `on_success` runs when they all succeeded (or failed where failure is
 * allowed), `on_failure` when one of them failed, `always` in any case, and a
 * `manual` job waits for an operator. The operator plays manual jobs in the
 * order a release goes: deploys first, then promotes, then rollbacks (none
 * where auto-rollback:<env> already rolled back).
 * Pure functions, so the order is tested without running anything.
 */

export interface PlannedJob {
  readonly name: string;
  readonly stage: string;
  /** Evaluated `when` of the job's rules: on_success, on_failure, always, manual, never. */
  readonly when: string;
  readonly allowFailure: boolean;
  /** `needs` as listed; undefined: the job waits for every job of the earlier stages. */
  readonly needs?: readonly { readonly job: string; readonly optional?: boolean }[];
}

export type Status = "pending" | "success" | "failed" | "warning" | "skipped" | "manual";

/** The manual jobs an operator plays, by job name prefix, in this order. */
export const OPERATOR_ORDER = ["deploy:", "promote:", "rollback:"] as const;

export class PipelineError extends Error {}

/** Each job's needs resolved to jobs in the pipeline; a missing required need is an error, as GitLab refuses the pipeline. */
export function resolveNeeds(jobs: readonly PlannedJob[], stages: readonly string[]): Map<string, string[]> {
  const names = new Set(jobs.map((j) => j.name));
  const needs = new Map<string, string[]>();
  for (const job of jobs) {
    if (job.needs === undefined) {
      const before = stages.indexOf(job.stage);
      needs.set(
        job.name,
        jobs.filter((j) => stages.indexOf(j.stage) < before).map((j) => j.name),
      );
      continue;
    }
    const resolved: string[] = [];
    for (const need of job.needs) {
      if (names.has(need.job)) resolved.push(need.job);
      else if (need.optional !== true) {
        throw new PipelineError(`${job.name} needs ${need.job}, which is not in this pipeline (GitLab refuses it)`);
      }
    }
    needs.set(job.name, resolved);
  }
  return needs;
}

/**
 * `targets` and every job they wait for, directly or through others (`needs` as resolveNeeds gives it):
 * the part of the pipeline that decides how the targets end. A name that is not a job is an error.
 */
export function neededBy(needs: ReadonlyMap<string, readonly string[]>, targets: readonly string[]): Set<string> {
  const found = new Set<string>();
  const todo = [...targets];
  for (let job = todo.pop(); job !== undefined; job = todo.pop()) {
    if (found.has(job)) continue;
    const mine = needs.get(job);
    if (mine === undefined) throw new PipelineError(`${job} is not a job of this pipeline`);
    found.add(job);
    todo.push(...mine);
  }
  return found;
}

const done = (s: Status | undefined) => s === "success" || s === "failed" || s === "warning" || s === "skipped";
const passed = (s: Status | undefined) => s === "success" || s === "warning";

export type Next =
  | { readonly job: string; readonly action: "run" | "play" }
  | { readonly job: string; readonly action: "skip"; readonly reason: string }
  | undefined;

/**
 * The next step: an automatic job whose needs are done (run it, or skip it
 * when its condition is not met), else the next manual job in operator
 * order whose needs passed (play it), else nothing.
 */
export function nextStep(
  jobs: readonly PlannedJob[],
  needs: ReadonlyMap<string, readonly string[]>,
  status: ReadonlyMap<string, Status>,
  played: ReadonlySet<string>,
): Next {
  for (const job of jobs) {
    if (status.get(job.name) !== "pending") continue;
    const mine = needs.get(job.name) ?? [];
    if (!mine.every((n) => done(status.get(n)))) continue;
    const failed = mine.filter((n) => status.get(n) === "failed");
    if (job.when === "on_failure") {
      return failed.length > 0
        ? { job: job.name, action: "run" }
        : { job: job.name, action: "skip", reason: "nothing it needs failed" };
    }
    if (job.when === "always") return { job: job.name, action: "run" };
    if (failed.length > 0 || mine.some((n) => status.get(n) === "skipped")) {
      const why = failed.length > 0 ? `${failed.join(", ")} failed` : "a job it needs was skipped";
      return { job: job.name, action: "skip", reason: why };
    }
    return { job: job.name, action: "run" };
  }
  for (const prefix of OPERATOR_ORDER) {
    for (const job of jobs) {
      if (!job.name.startsWith(prefix) || status.get(job.name) !== "manual" || played.has(job.name)) continue;
      // The release was already rolled back by itself: the operator has nothing to roll back.
      if (status.get(`auto-${job.name}`) === "success") continue;
      if ((needs.get(job.name) ?? []).every((n) => passed(status.get(n)))) return { job: job.name, action: "play" };
    }
  }
  return undefined;
}
