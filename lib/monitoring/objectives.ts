/**
 * The environment's objectives as numbers every cloud's alerts use, so the
 * same objective gives the same thresholds on AWS, Azure, GCP and the edge.
 *
 * The availability objective is alerted with multiwindow burn rates on every
 * cloud (burn-rate.ts); the other thresholds (latency, saturation) hold over
 * `ALERT_WINDOW`.
 */
import type { MonitoringConfig } from "../config/monitoring";

/** The fast burn of a 30-day window (2% of the budget in one hour): `npm run edge:signal`'s default limit. */
export const FAST_BURN_RATE = 14.4;

/** Evaluation of threshold alerts: 5-minute periods, all of the last three breaching (15 minutes sustained). */
export const ALERT_WINDOW = { periodSeconds: 300, evaluationPeriods: 3 } as const;

/** Saturation: memory use (percent of the limit) past which an instance is close to being killed. */
export const MEMORY_SATURATION_PERCENT = 90;

export interface Objectives {
  /** Percent of requests answered without a 5xx over `windowDays`. */
  readonly availabilityPercent: number;
  /** The error budget as a fraction of requests (0.001 for 99.9%). */
  readonly errorBudget: number;
  readonly windowDays: number;
  /** The 99th percentile response time objective, in milliseconds. */
  readonly latencyP99Ms: number;
  /** 5xx share of requests, in percent, above which a ratio alert fires (`FAST_BURN_RATE` x budget). */
  readonly errorRatePercent: number;
  /** `monitoring.silenced.reason` when the environment's alerts are off. */
  readonly silencedBecause?: string;
}

/** Rounds away floating-point noise (0.1 * 14.4 = 1.4400000000000002). */
const round = (value: number, digits = 6): number => Number(value.toFixed(digits));

/**
 * The objectives of one environment, from its `monitoring` and its service's timeout, defaults
 * derived (latency: half the request timeout). Takes an environment or just those two parts.
 */
export function objectivesFor(environment: {
  readonly monitoring: MonitoringConfig;
  readonly service: { readonly timeoutSeconds: number };
}): Objectives {
  const { monitoring, service } = environment;
  const errorBudget = round((100 - monitoring.availabilityPercent) / 100);
  return {
    availabilityPercent: monitoring.availabilityPercent,
    errorBudget,
    windowDays: monitoring.windowDays,
    latencyP99Ms: monitoring.latencyP99Ms ?? Math.round((service.timeoutSeconds * 1000) / 2),
    errorRatePercent: round(errorBudget * FAST_BURN_RATE * 100, 4),
    ...(monitoring.silenced === undefined ? {} : { silencedBecause: monitoring.silenced.reason }),
  };
}
