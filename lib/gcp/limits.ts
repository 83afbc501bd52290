/**
 * GCP's limits table: the documented Cloud Run and Cloud Functions (2nd gen,
 * served by Cloud Run) limits the GCP targets depend on, each with the page
 * that states it (checked 2026-12-06). validation.ts checks ServiceSpec and
 * the targets' props against it at synth.
 */
import type { LimitsTable } from "../contract/limits";

export const GCP_PLATFORM_LIMITS = {
  /** Memory of one instance: up to 32 GiB (with 8 vCPU). */
  memoryMb: {
    by: "Cloud Run",
    max: 32768,
    doc: "https://cloud.google.com/run/docs/configuring/services/memory-limits",
  },
  /** Request timeout: up to 60 minutes. */
  timeoutSeconds: {
    by: "Cloud Run",
    min: 1,
    max: 3600,
    doc: "https://cloud.google.com/run/docs/configuring/request-timeout",
  },
  /** Maximum instances per revision (the default quota; more on request). */
  maxInstances: {
    by: "Cloud Run",
    min: 1,
    max: 1000,
    doc: "https://cloud.google.com/run/docs/configuring/max-instances",
  },
  /** Minimum (warm) instances per revision. */
  minInstances: {
    by: "Cloud Run",
    min: 0,
    max: 1000,
    doc: "https://cloud.google.com/run/docs/configuring/min-instances",
  },
  /** Requests one instance serves at once. */
  concurrency: {
    by: "Cloud Run",
    min: 1,
    max: 1000,
    doc: "https://cloud.google.com/run/docs/about-concurrency",
  },
} as const satisfies LimitsTable;

/** Variables Cloud Run sets itself and refuses in a service's configuration. */
export const CLOUD_RUN_RESERVED_VARIABLES = {
  names: ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"],
  doc: "https://cloud.google.com/run/docs/container-contract#env-vars",
} as const;
