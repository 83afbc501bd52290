/**
 * The parity contract: each cloud folder's test module `__tests__/parity/<cloud>.ts`
 * exports a `CloudParity` saying, for every ServiceSpec field, where that field
 * landed in the synthesized JSON of its function and container targets.
 * `parity.test.ts` synthesizes one stack and checks every field of every
 * cloud against the spec, so a field that stops landing fails a test.
 */
import type { Cloud } from "../../lib/config/schema";
import type { ServiceSpec } from "../../lib/service";
import type { TerraformJson } from "../helpers/environments";

/** What one target did with a field: the value found (normalized to the spec's units), or why it does not apply. */
export type Landed = { readonly value: unknown } | { readonly notApplicable: string };

export interface TargetLanding {
  readonly function: Landed;
  readonly container: Landed;
}

export interface CloudParity {
  readonly cloud: Cloud;
  /**
   * One extractor per ServiceSpec field. Read the value back from `json`
   * (e.g. Lambda `memory_size`, Cloud Run `limits.memory` "768Mi" -> 768) so the
   * runner can compare it with `spec[field]`.
   */
  readonly fields: { readonly [K in keyof ServiceSpec]: (json: TerraformJson, spec: ServiceSpec) => TargetLanding };
}
