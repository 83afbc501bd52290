/**
 * Canary analysis, after verify's probes: the new release is judged by what
 * real requests met at the edge. verify:<env> waits the environment's bake
 * time (`canaryAnalysis.bakeSeconds`), then reads the edge's signal for the
 * new release's canary step only (the Worker tags every origin attempt with
 * the release and step it was deployed with: lib/edge/worker/analytics.ts)
 * and judges each origin against the environment's objectives:
 *
 * - samples: answers the new release gave (attempts x its share of the origin,
 *   where the cloud splits a canary between two releases);
 * - failure rate: the origin's failures over those samples. Where a cloud
 *   splits, a failure cannot be told apart by release, so every failure is
 *   counted against the new release: the verdict errs towards a rollback;
 * - p99: the origin's p99 latency over the same attempts (both releases where
 *   the cloud splits).
 *
 * An origin fails above the fast-burn failure rate (lib/monitoring/objectives.ts
 * `errorRatePercent`) or the latency objective, once it has `minSamples`. Too
 * few samples: read again every interval up to `waitSeconds`; still too few
 * then, and the canary fails ("not enough traffic to judge"): a release is
 * never promoted on no evidence.
 */
import type { OriginSignal } from "../../lib/edge/signal";
import { formatColumns } from "../../tools/columns";

export interface CanaryCriteria {
  /** Failure share above which an origin fails, 0 to 1. */
  readonly maxFailureRate: number;
  /** p99 latency above which an origin fails, in milliseconds. */
  readonly maxP99Ms: number;
  /** New-release answers an origin needs before it is judged. */
  readonly minSamples: number;
}

export type OriginResult = "ok" | "FAIL" | "too few samples";

export interface OriginVerdict {
  readonly origin: string;
  /** Estimated answers from the new release. */
  readonly samples: number;
  /** Every attempt at the origin in the window (both releases where the cloud splits). */
  readonly attempts: number;
  readonly failures: number;
  /** failures / samples, at most 1 (0 without samples). */
  readonly failureRate: number;
  readonly p99Ms: number;
  readonly result: OriginResult;
  /** Why it failed, or what it lacks. */
  readonly detail: string;
}

export interface CanaryVerdict {
  /** `wait`: some origin lacks samples and there is time left to gather them. */
  readonly decision: "pass" | "fail" | "wait";
  readonly origins: readonly OriginVerdict[];
  /** One line for the log. */
  readonly summary: string;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

function judgeOrigin(origin: string, signal: OriginSignal | undefined, criteria: CanaryCriteria): OriginVerdict {
  const samples = Math.round(signal?.releaseAttempts ?? 0);
  const failures = Math.round(signal?.failures ?? 0);
  const failureRate = samples > 0 ? Math.min(1, failures / samples) : failures > 0 ? 1 : 0;
  const p99Ms = Math.round(signal?.p99Ms ?? 0);
  const base = { origin, samples, attempts: Math.round(signal?.attempts ?? 0), failures, failureRate, p99Ms };
  const problems: string[] = [];
  if (failureRate > criteria.maxFailureRate) {
    problems.push(`failure rate ${percent(failureRate)} > ${percent(criteria.maxFailureRate)}`);
  }
  if (p99Ms > criteria.maxP99Ms) problems.push(`p99 ${p99Ms} ms > ${criteria.maxP99Ms} ms`);
  // More failures than minSamples answers may hold under the limit: fail now rather than wait for the samples.
  const hopeless = failures > criteria.maxFailureRate * criteria.minSamples && failureRate > criteria.maxFailureRate;
  if (problems.length > 0 && (samples >= criteria.minSamples || hopeless)) {
    return { ...base, result: "FAIL", detail: problems.join(", ") };
  }
  if (samples < criteria.minSamples) {
    return { ...base, result: "too few samples", detail: `${samples} of ${criteria.minSamples} samples` };
  }
  return { ...base, result: "ok", detail: "" };
}

/**
 * The verdict on one reading of the signal.
 * @param expected - origins the edge routes new clients to: each must be judged (one never seen has 0 samples)
 * @param final - no time left to wait: too few samples fails
 */
export function judgeCanary(
  signals: readonly OriginSignal[],
  expected: readonly string[],
  criteria: CanaryCriteria,
  final: boolean,
): CanaryVerdict {
  // Origins seen but not expected (weight 0, failover only) are judged too: failures are always recorded.
  const names = [...new Set([...expected, ...signals.map((s) => s.origin)])];
  const origins = names.map((name) =>
    judgeOrigin(
      name,
      signals.find((s) => s.origin === name),
      criteria,
    ),
  );
  const failed = origins.filter((o) => o.result === "FAIL");
  // An unexpected origin with too few samples only saw failover traffic: it cannot hold up the verdict.
  const short = origins.filter((o) => o.result === "too few samples" && expected.includes(o.origin));
  if (failed.length > 0) {
    return {
      decision: "fail",
      origins,
      summary: `the new release fails on ${failed.map((o) => `${o.origin} (${o.detail})`).join(", ")}`,
    };
  }
  if (origins.length === 0) {
    return {
      decision: final ? "fail" : "wait",
      origins,
      summary: "no origin is routed to and no attempt was recorded: nothing to judge",
    };
  }
  if (short.length > 0) {
    return {
      decision: final ? "fail" : "wait",
      origins,
      summary: `not enough traffic to judge ${short.map((o) => `${o.origin} (${o.detail})`).join(", ")}`,
    };
  }
  return { decision: "pass", origins, summary: `every origin within its objectives` };
}

/** The table verify prints: one row per origin. */
export function formatCanaryTable(verdict: CanaryVerdict, criteria: CanaryCriteria): string {
  const rows = [
    ["origin", "samples", "attempts", "failures", "failure rate", "p99 ms", "result"],
    ...verdict.origins.map((o) => [
      o.origin,
      String(o.samples),
      String(o.attempts),
      String(o.failures),
      percent(o.failureRate),
      String(o.p99Ms),
      o.result === "ok"
        ? "ok"
        : `${o.result}${o.detail === "" || o.result === "too few samples" ? "" : `: ${o.detail}`}`,
    ]),
  ];
  return [
    formatColumns(rows, new Set([1, 2, 3, 4, 5])),
    `limits: failure rate ${percent(criteria.maxFailureRate)}, p99 ${criteria.maxP99Ms} ms, at least ${criteria.minSamples} samples per origin`,
  ].join("\n");
}

export interface AnalysisOptions {
  readonly criteria: CanaryCriteria;
  readonly expected: readonly string[];
  /** Reads the new release's canary signal. */
  readonly read: () => Promise<OriginSignal[]>;
  readonly bakeMs: number;
  /** How long after the bake to keep reading while samples are short. */
  readonly waitMs: number;
  /** Pause between readings. */
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Bake, then read until a verdict (pass or fail), or the wait is over. */
export async function analyzeCanary(options: AnalysisOptions): Promise<CanaryVerdict & { readonly readings: number }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  options.log(`Baking ${options.bakeMs / 1000} s before reading the edge's signal for the new release`);
  await sleep(options.bakeMs);
  const deadline = now() + options.waitMs;
  for (let readings = 1; ; readings++) {
    const final = now() + options.intervalMs > deadline;
    const verdict = judgeCanary(await options.read(), options.expected, options.criteria, final);
    if (verdict.decision !== "wait") return { ...verdict, readings };
    options.log(`reading ${readings}: ${verdict.summary}; reading again in ${options.intervalMs / 1000} s`);
    await sleep(options.intervalMs);
  }
}
