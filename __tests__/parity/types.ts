/**
 * The parity contract: each cloud folder's test module `__tests__/parity/<cloud>.ts`
 * exports a `CloudParity` saying, for every ServiceSpec field, where that field
 * landed in the synthesized JSON of its function and container targets.
 * `parity.test.ts` synthesizes one stack and checks every field of every
 * cloud against the spec, so a field that stops landing fails a test.
 */
import type { Cloud, EnvironmentConfig } from "../../lib/config/schema";
import type { ServiceSpec } from "../../lib/service";
import type { TerraformJson } from "../helpers/environments";

/** What one target did with a field: the value found (normalized to the spec's units), or why it does not apply. */
export type Landed = { readonly value: unknown } | { readonly notApplicable: string };

export interface TargetLanding {
  readonly function: Landed;
  readonly container: Landed;
}

/** A variable a target gives the workload: a plain value, or a reference its platform resolves from a secret store. */
export type LandedVariable = { readonly value: string } | { readonly secretReference: string };

/** Every variable each target gives the workload, by name. */
export interface TargetVariables {
  readonly function: Readonly<Record<string, LandedVariable>>;
  readonly container: Readonly<Record<string, LandedVariable>>;
}

export interface CloudParity {
  readonly cloud: Cloud;
  /** The region or location the environment names for this cloud (what `REGION` must say). */
  readonly region: (config: EnvironmentConfig) => string | undefined;
  /** The workload's variables on each target, read back from `json` (for the `WORKLOAD_ENV` check). */
  readonly variables: (json: TerraformJson) => TargetVariables;
  /**
   * One extractor per ServiceSpec field. Read the value back from `json`
   * (e.g. Lambda `memory_size`, Cloud Run `limits.memory` "768Mi" -> 768) so the
   * runner can compare it with `spec[field]`.
   */
  readonly fields: { readonly [K in keyof ServiceSpec]: (json: TerraformJson, spec: ServiceSpec) => TargetLanding };
}
