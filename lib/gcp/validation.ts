/**
 * GCP's limits for ServiceSpec, on top of the generic rules in
 * lib/contract/spec-validation.ts: what Cloud Functions (2nd gen, served by
 * Cloud Run) and Cloud Run accept, from the documented table in limits.ts.
 */
import type { TargetKind } from "../config/schema";
import { limitProblem } from "../contract/limits";
import type { SpecLimits } from "../contract/spec-validation";
import { CLOUD_RUN_RESERVED_VARIABLES, GCP_PLATFORM_LIMITS as LIMITS } from "./limits";

function cloudRunLimits(by: string): SpecLimits {
  const as = <T extends { readonly max?: number }>(limit: T) => ({ ...limit, by });
  return {
    numbers: {
      memoryMb: as(LIMITS.memoryMb),
      timeoutSeconds: as(LIMITS.timeoutSeconds),
      minInstances: as(LIMITS.minInstances),
      maxInstances: as(LIMITS.maxInstances),
    },
    // Cloud Run sets these itself and refuses them as variables.
    reservedVariables: { by, names: CLOUD_RUN_RESERVED_VARIABLES.names },
  };
}

export const GCP_LIMITS: Readonly<Record<TargetKind, SpecLimits>> = {
  function: cloudRunLimits("Cloud Functions"),
  container: cloudRunLimits("Cloud Run"),
};

/** Requests one Cloud Run or Cloud Functions instance may serve at once. */
export const MAX_CONCURRENCY = LIMITS.concurrency.max;

/** What is wrong with a target's `props.concurrency`, if anything. */
export function concurrencyProblems(concurrency: number): string[] {
  const problem = limitProblem("props.concurrency", concurrency, LIMITS.concurrency);
  return problem === undefined ? [] : [problem];
}
