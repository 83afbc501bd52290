/**
 * GCP's limits table for ServiceSpec, on top of the generic rules in
 * lib/contract/spec-validation.ts: what Cloud Functions (2nd gen, served by
 * Cloud Run) and Cloud Run accept.
 */
import type { TargetKind } from "../config/schema";
import type { SpecLimits } from "../contract/spec-validation";

function cloudRunLimits(by: string): SpecLimits {
  return {
    numbers: {
      memoryMb: { by, max: 32768 },
      timeoutSeconds: { by, max: 3600 },
      minInstances: { by, max: 1000 },
      maxInstances: { by, max: 1000 },
    },
    // Cloud Run sets these itself and refuses them as variables.
    reservedVariables: { by, names: ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"] },
  };
}

export const GCP_LIMITS: Readonly<Record<TargetKind, SpecLimits>> = {
  function: cloudRunLimits("Cloud Functions"),
  container: cloudRunLimits("Cloud Run"),
};

/** Requests one Cloud Run or Cloud Functions instance may serve at once. */
export const MAX_CONCURRENCY = 1000;

/** What is wrong with a target's `props.concurrency`, if anything. */
export function concurrencyProblems(concurrency: number): string[] {
  return concurrency < 1 || concurrency > MAX_CONCURRENCY
    ? [`props.concurrency: ${concurrency} must be 1 to ${MAX_CONCURRENCY}`]
    : [];
}
