/**
 * Multiwindow, multi-burn-rate alerts (Google SRE workbook, "Alerting on
 * SLOs", recommendation 6), computed once from the environment's objective
 * so every cloud maps the same numbers:
 *
 * | tier   | budget spent | long window | short window | burn rate (30 days) |
 * | fast   | 2%           | 1 h         | 5 min        | 14.4                |
 * | medium | 0.625%       | 45 min      | 4 min        | 6                   |
 * | slow   | 5%           | 6 h         | 30 min       | 6                   |
 * | ticket | 10%          | 3 days      | 6 h          | 1                   |
 *
 * `medium` is not the workbook's: at exactly 6x the slow tier's 6-hour
 * average reaches 6 only after 6 hours, so a sustained 6x burn (the budget
 * gone in 5 days) pages through `medium` after its 45-minute window plus one
 * evaluation, within the hour. Its cost is precision: it pages on a burn that
 * has spent 0.625% of the budget (a 45-minute incident at 6x), which the slow
 * tier would let pass (docs/operations.md, "The 6x page").
 *
 * burn rate = budget spent x objective window / long window, so a 7-day
 * window gives 3.36 / 1.4 / 0.23 -> 1 (a burn below 1 never empties the
 * budget, so no tier fires below it). Both windows must reach the burn rate
 * and hold at least `minRequests` requests: fewer requests than one error
 * needs to cross the threshold would page on a single failure.
 */
import type { Objectives } from "./objectives";

export type BurnTierName = "fast" | "medium" | "slow" | "ticket";

export interface BurnTier {
  readonly name: BurnTierName;
  /** `page` wakes someone; `ticket` is for working hours. */
  readonly severity: "page" | "ticket";
  /** Share of the objective window's error budget spent over the long window when the burn rate is reached. */
  readonly budgetSpent: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
}

/** Seconds in the objective window the tiers are stated for (30 days). */
const REFERENCE_WINDOW_SECONDS = 30 * 86400;
/** The medium tier's long window: a 6x burn must page within an hour, evaluation included. */
const MEDIUM_WINDOW_SECONDS = 2700;

/** The workbook's three tiers and the medium page; the short window is 1/12 of the long one, in whole minutes. */
export const BURN_TIERS: readonly BurnTier[] = [
  { name: "fast", severity: "page", budgetSpent: 0.02, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  {
    name: "medium",
    severity: "page",
    // Burn rate 6 over the medium window of a 30-day objective: 6 x 45 min / 30 days = 0.625% of the budget.
    budgetSpent: (6 * MEDIUM_WINDOW_SECONDS) / REFERENCE_WINDOW_SECONDS,
    longWindowSeconds: MEDIUM_WINDOW_SECONDS,
    shortWindowSeconds: 240,
  },
  { name: "slow", severity: "page", budgetSpent: 0.05, longWindowSeconds: 21600, shortWindowSeconds: 1800 },
  { name: "ticket", severity: "ticket", budgetSpent: 0.1, longWindowSeconds: 259200, shortWindowSeconds: 21600 },
];

/** Error ratio above which a window always counts as burning: a loose objective must still page on an outage. */
export const MAX_ERROR_RATIO = 0.5;

export interface BurnAlert extends BurnTier {
  /** How many times faster than the objective allows the budget is spent. */
  readonly burnRate: number;
  /** `burnRate` x the error budget: the 5xx share of requests a window must reach (at most MAX_ERROR_RATIO). */
  readonly errorRatio: number;
  /** Fewest requests a window needs before its ratio counts: one error alone never crosses `errorRatio`. */
  readonly minRequests: number;
}

const round = (value: number, digits = 6): number => Number(value.toFixed(digits));

/** The three tiers of one objective, thresholds derived from its budget and window. */
export function burnAlerts(objectives: Pick<Objectives, "errorBudget" | "windowDays">): BurnAlert[] {
  const windowSeconds = objectives.windowDays * 86400;
  return BURN_TIERS.map((tier) => {
    // A tier's long window never exceeds the objective's own window (a 1-day objective has no 3-day ticket window).
    const longWindowSeconds = Math.min(tier.longWindowSeconds, windowSeconds);
    // Whole minutes: CloudWatch periods and Azure's KQL windows are counted in them.
    const shortWindowSeconds = Math.min(
      tier.shortWindowSeconds,
      Math.max(60, Math.round(longWindowSeconds / 720) * 60),
    );
    const burnRate = round(Math.max(1, (tier.budgetSpent * windowSeconds) / longWindowSeconds), 4);
    const errorRatio = round(Math.min(MAX_ERROR_RATIO, burnRate * objectives.errorBudget), 8);
    return {
      ...tier,
      longWindowSeconds,
      shortWindowSeconds,
      burnRate,
      errorRatio,
      minRequests: Math.floor(1 / errorRatio) + 1,
    };
  });
}

/** `1h`, `5m`, `3d`: a window as alert names and KQL write it. */
export function windowLabel(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

/** What a tier means, for alert descriptions. */
export function burnWhen(alert: BurnAlert): string {
  return `5xx reach ${round(alert.errorRatio * 100, 4)}% of requests (burn rate ${alert.burnRate}) over both the last ${windowLabel(alert.longWindowSeconds)} and the last ${windowLabel(alert.shortWindowSeconds)}, each with at least ${alert.minRequests} requests`;
}
