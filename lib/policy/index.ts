/**
 * The policy of an environment stack: production protections, then the rule
 * packs. `EnvironmentStack` calls `applyPolicy` once, after the tags aspect,
 * so the rules see tags and protections in place.
 */
import { Aspects } from "cdktf";
import type { IConstruct } from "constructs";
import { PolicyAspect } from "./engine";
import { ProductionProtectionsAspect } from "./protections";

export { type Finding, PolicyAspect, policyFindings } from "./engine";
export { ALL_RULES, PACKS, type RuleId } from "./packs";
export { ProductionProtectionsAspect } from "./protections";
export type { Rule, RuleInput } from "./rule";
export { suppress } from "./suppressions";

export interface PolicyOptions {
  /** Production protections (prevent_destroy, deletion protection): the environment's `protect`. */
  readonly protect: boolean;
}

export function applyPolicy(scope: IConstruct, options: PolicyOptions): void {
  Aspects.of(scope).add(new ProductionProtectionsAspect({ protect: options.protect }));
  Aspects.of(scope).add(new PolicyAspect());
}
