/**
 * The shape of a cloud's limits table (`lib/<cloud>/limits.ts`): each
 * documented platform limit a stack depends on, with the page that states it,
 * so synth refuses what apply would (a fork that changes a size learns at
 * synth, with the page to read). Values the provider binding accepts but the
 * platform refuses belong here most of all: plan passes, apply fails.
 */
import type { NumberLimit } from "./spec-validation";

/** A number the platform bounds, and where the platform says so. */
export interface DocumentedLimit extends NumberLimit {
  /** The documentation page (https) that states the limit. */
  readonly doc: string;
}

/** A limit table: named limits, each documented. */
export type LimitsTable = Readonly<Record<string, DocumentedLimit>>;

/**
 * What is wrong with `value` at `path` under `limit`, or undefined: one
 * problem line for a ConstructError (`props.probes.startup.failureCountThreshold:
 * 24 is above the maximum of 10 on Container Apps (<doc>)`).
 */
export function limitProblem(path: string, value: number, limit: DocumentedLimit): string | undefined {
  const where = `(${limit.doc})`;
  if (!Number.isFinite(value)) return `${path}: ${value} is not a number ${where}`;
  if (limit.oneOf !== undefined && !limit.oneOf.includes(value)) {
    return `${path}: ${value} is not one of ${limit.oneOf.join(", ")} on ${limit.by} ${where}`;
  }
  if (limit.max !== undefined && value > limit.max) {
    return `${path}: ${value} is above the maximum of ${limit.max} on ${limit.by} ${where}`;
  }
  if (limit.min !== undefined && value < limit.min) {
    return `${path}: ${value} is below the minimum of ${limit.min} on ${limit.by} ${where}`;
  }
  return undefined;
}
