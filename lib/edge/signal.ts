/**
 * The canary signal: each origin's failure rate as the edge saw it, from the
 * Workers Analytics Engine dataset the router writes (worker/analytics.ts).
 * The pipeline's verify step asks it after a deploy (`npm run edge:signal`),
 * so a canary is judged by the errors real requests met, not only by a probe.
 *
 * The query goes to Cloudflare's Analytics Engine SQL API:
 *   POST https://api.cloudflare.com/client/v4/accounts/<account>/analytics_engine/sql
 *   Authorization: Bearer <token with Account Analytics Read>
 * `_sample_interval` undoes Analytics Engine's own sampling and `double4`
 * the router's sampling of successes, so the sums estimate real counts.
 */

import { ConstructError } from "../contract/errors";
import { DATA_POINT } from "./worker/analytics";

/** The dataset of one environment's router: `<service>_<environment>_edge` (letters, digits, underscores). */
export function edgeDatasetName(service: string, environment: string): string {
  return `${service}_${environment}_edge`.replace(/[^A-Za-z0-9_]/g, "_");
}

export interface SignalQuery {
  /** The dataset (`edgeDatasetName`). */
  readonly dataset: string;
  /** Minutes back from now. @default 15 */
  readonly minutes?: number;
  /** Only this origin (`aws.function`...). @default - every origin */
  readonly origin?: string;
  /** Only the attempts made while this release was rolled out (its id). @default - every release */
  readonly release?: string;
  /** Only the attempts of this rollout step (`canary`...). @default - every step */
  readonly step?: string;
}

const column = (name: string, kind: "blobs" | "doubles"): string =>
  `${kind === "blobs" ? "blob" : "double"}${(DATA_POINT[kind] as readonly string[]).indexOf(name) + 1}`;

/** The SQL returning, per origin: estimated attempts, failures, failure rate and p99 latency. */
export function failureRateSql(query: SignalQuery): string {
  const minutes = query.minutes ?? 15;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw new ConstructError("BPE_EDGE_5", undefined, `minutes must be a whole number from 1 to 1440, got ${minutes}`);
  }
  if (!/^[A-Za-z0-9_]+$/.test(query.dataset))
    throw new ConstructError("BPE_EDGE_6", undefined, `dataset "${query.dataset}" is not a dataset name`);
  if (query.origin !== undefined && !/^[a-z]+\.[a-z]+$/.test(query.origin)) {
    throw new ConstructError(
      "BPE_EDGE_7",
      undefined,
      `origin "${query.origin}" is not an origin id such as aws.function`,
    );
  }
  // Both end up inside quotes in the SQL: only the characters a release id or a step can have.
  if (query.release !== undefined && !/^[0-9A-Za-z._-]{1,64}$/.test(query.release)) {
    throw new ConstructError(
      "BPE_EDGE_9",
      undefined,
      `release "${query.release}" is not a release id (1-64 of 0-9 A-Z a-z . _ -)`,
    );
  }
  if (query.step !== undefined && !/^[a-z]{1,16}$/.test(query.step)) {
    throw new ConstructError("BPE_EDGE_10", undefined, `step "${query.step}" is not a rollout step such as canary`);
  }
  const origin = column("origin", "blobs");
  const weight = `_sample_interval * ${column("weight", "doubles")}`;
  const failed = column("failed", "doubles");
  const where = [
    `timestamp > NOW() - INTERVAL '${minutes}' MINUTE`,
    ...(query.origin === undefined ? [] : [`${origin} = '${query.origin}'`]),
    ...(query.release === undefined ? [] : [`${column("release", "blobs")} = '${query.release}'`]),
    ...(query.step === undefined ? [] : [`${column("step", "blobs")} = '${query.step}'`]),
  ];
  return [
    `SELECT ${origin} AS origin,`,
    `  SUM(${weight}) AS attempts,`,
    `  SUM(${weight} * ${failed}) AS failures,`,
    `  SUM(${weight} * ${failed}) / SUM(${weight}) AS failure_rate,`,
    `  quantileWeighted(0.99, ${column("latencyMs", "doubles")}, ${weight}) AS p99_ms,`,
    // Answers the tagged release gave (where a cloud splits a canary, its share of the origin's).
    `  SUM(${weight} * ${column("releaseShare", "doubles")}) AS release_attempts`,
    `FROM ${query.dataset}`,
    `WHERE ${where.join(" AND ")}`,
    `GROUP BY origin`,
    `ORDER BY origin`,
  ].join("\n");
}

/** One origin's row of the answer. */
export interface OriginSignal {
  readonly origin: string;
  readonly attempts: number;
  readonly failures: number;
  readonly failureRate: number;
  readonly p99Ms: number;
  /** Estimated answers from the tagged release (attempts x its share of the origin); = attempts when not asked for. */
  readonly releaseAttempts: number;
}

/** Reads the SQL API's JSON answer (`{"data": [...]}`) into rows; throws a readable error on anything else. */
export function parseSignal(body: unknown): OriginSignal[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data))
    throw new ConstructError("BPE_EDGE_8", undefined, "the Analytics Engine answer has no data array");
  return data.map((row: Record<string, unknown>) => {
    const signal = {
      origin: String(row.origin),
      attempts: Number(row.attempts),
      failures: Number(row.failures),
      failureRate: Number(row.failure_rate),
      p99Ms: Number(row.p99_ms),
      releaseAttempts: row.release_attempts === undefined ? Number(row.attempts) : Number(row.release_attempts),
    };
    const bad = Object.entries(signal).find(([key, value]) => key !== "origin" && !Number.isFinite(value));
    if (bad !== undefined)
      throw new ConstructError(
        "BPE_EDGE_11",
        undefined,
        `the Analytics Engine row of ${signal.origin} has no number for ${bad[0]}`,
      );
    return signal;
  });
}

/**
 * The verdict for a canary: the origins whose failure rate is above `maxFailureRate`
 * with at least `minAttempts` attempts (fewer say nothing either way).
 */
export function failingOrigins(
  signals: readonly OriginSignal[],
  maxFailureRate: number,
  minAttempts = 20,
): OriginSignal[] {
  return signals.filter((s) => s.attempts >= minAttempts && s.failureRate > maxFailureRate);
}
