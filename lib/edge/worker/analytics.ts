/**
 * The router's own per-origin signal: one Workers Analytics Engine data point
 * per origin attempt (origin id, outcome, status, latency), so the failure
 * rate of each origin is queryable even when failover hid the failure from
 * the client. `lib/edge/signal.ts` reads it back (the canary verdict).
 *
 * Each point carries the release the routing table was deployed with and its
 * rollout step, and the share of that origin's answers the release gives
 * (1 alone, `canaryPercent`/100 where the cloud splits a canary), so the
 * canary analysis (ci/release/canary.ts) reads one release's attempts only.
 * Analytics Engine allows 20 blobs (16 KB together), 20 doubles and one
 * index of 96 bytes per point: five short blobs, six doubles, the origin index.
 *
 * Nothing identifying is written: no URL, path, header, client address or
 * secret; only the origin id, the method, the release id (a commit SHA) and numbers. Successes are sampled
 * at `sampleRate` and carry the weight 1/sampleRate; failures are always
 * written, so a rare failure is never sampled away.
 *
 * No imports with side effects: this file is bundled into the Worker.
 */

/** The slice of the Analytics Engine binding the router uses. */
export interface AnalyticsDataset {
  writeDataPoint(point: { readonly blobs?: string[]; readonly doubles?: number[]; readonly indexes?: string[] }): void;
}

/** Column meaning of each data point, in order: the SQL in lib/edge/signal.ts names them by position. */
export const DATA_POINT = {
  /** blob1 origin id, blob2 outcome, blob3 HTTP method, blob4 release id, blob5 rollout step. */
  blobs: ["origin", "outcome", "method", "release", "step"],
  /**
   * double1 status (0 without a response), double2 latency ms, double3 attempt number, double4 weight,
   * double5 failed (0/1), double6 the release's share of the origin's answers (0 to 1).
   */
  doubles: ["status", "latencyMs", "attempt", "weight", "failed", "releaseShare"],
  /** index1: the origin id (Analytics Engine samples per index). */
  indexes: ["origin"],
} as const;

/** How one attempt at one origin ended. */
export interface AttemptRecord {
  readonly origin: string;
  /**
   * `ok` below 500, `5xx` for a 5xx answer, `forbidden` for a 403 (the origin refused the edge's
   * secret: a misconfigured origin, not a client error), `timeout` or `network` without an answer.
   */
  readonly outcome: "ok" | "5xx" | "forbidden" | "timeout" | "network";
  /** HTTP status, 0 when no response came. */
  readonly status: number;
  readonly latencyMs: number;
  /** 1 for the first choice, 2 for the first failover... */
  readonly attempt: number;
  readonly method: string;
}

/** What every data point of one deployment says about the release (from EDGE_CONFIG). */
export interface ReleaseTag {
  /** Release id, or `local` when the routing table names none. */
  readonly id: string;
  readonly step: string;
  /** Per origin id, the release's share of its answers; absent = 1. */
  readonly shares: Readonly<Record<string, number>>;
}

/** The tag of a fresh clone's Worker (no pipeline release). */
export const LOCAL_TAG: ReleaseTag = { id: "local", step: "canary", shares: {} };

/**
 * Writes one attempt, unless it is a success not drawn by sampling.
 * @param sampleRate - share of successes written, 0 to 1
 * @param random - uniform in [0, 1); replaceable for tests
 * @returns whether a data point was written
 */
export function recordAttempt(
  dataset: AnalyticsDataset,
  record: AttemptRecord,
  sampleRate: number,
  random: () => number = Math.random,
  release: ReleaseTag = LOCAL_TAG,
): boolean {
  const failed = record.outcome !== "ok";
  if (!failed && !(random() < sampleRate)) return false;
  const weight = failed ? 1 : 1 / sampleRate;
  try {
    dataset.writeDataPoint({
      blobs: [record.origin, record.outcome, record.method, release.id, release.step],
      doubles: [
        record.status,
        Math.max(0, Math.round(record.latencyMs)),
        record.attempt,
        weight,
        failed ? 1 : 0,
        release.shares[record.origin] ?? 1,
      ],
      indexes: [record.origin],
    });
  } catch {
    // Analytics must never fail a request.
    return false;
  }
  return true;
}

/** The outcome of an attempt from its status (0 = no response) and why it ended. */
export function outcomeOf(status: number, failure?: "timeout" | "network"): AttemptRecord["outcome"] {
  if (failure !== undefined) return failure;
  if (status === 403) return "forbidden";
  return status >= 500 ? "5xx" : "ok";
}
