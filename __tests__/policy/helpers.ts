/** A stack wired like EnvironmentStack (providers, tags, policy) but without targets, for policy tests. */
import { Aspects, TerraformResource, TerraformStack, Testing } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import type { Construct } from "constructs";
import type { EnvironmentConfig, EnvironmentInput } from "../../lib/config/schema";
import { applyPolicy, type Finding, policyFindings } from "../../lib/policy";
import { StandardTagsAspect, standardTags } from "../../lib/policy/tags";
import { addProviders } from "../../lib/stacks/providers";
import { environmentConfig, type TerraformJson, testApp } from "../helpers/environments";

export interface PolicyStackOptions {
  /** Production protections. @default false */
  readonly protect?: boolean;
  /** Add StandardTagsAspect as EnvironmentStack does. @default true */
  readonly tags?: boolean;
  /** Top-level config fields to replace. @default - none */
  readonly config?: Partial<Record<keyof EnvironmentInput, unknown>>;
}

/** The validated config of each `protect` without other fields: validated once, as hundreds of rule cases build one. */
const plainConfigs = new Map<boolean, EnvironmentConfig>();

function configOf(options: PolicyStackOptions): EnvironmentConfig {
  const protect = options.protect ?? false;
  if (options.config !== undefined) return environmentConfig({ protect, ...options.config });
  let config = plainConfigs.get(protect);
  if (config === undefined) {
    config = environmentConfig({ protect });
    plainConfigs.set(protect, config);
  }
  return config;
}

/** Stack id `test`; build resources under it with id `subject` to match the rule cases. */
export function policyStack(options: PolicyStackOptions = {}): TerraformStack {
  const app = testApp();
  const stack = new TerraformStack(app, "test");
  const config = configOf(options);
  const tags = standardTags(config.name, config.company);
  addProviders(stack, config, tags);
  if (options.tags ?? true) Aspects.of(stack).add(new StandardTagsAspect(tags));
  applyPolicy(stack, { protect: config.protect });
  return stack;
}

/** Runs the aspects (as synth does) and returns the stack's JSON (no `//` metadata) and findings. */
export function checkStack(stack: TerraformStack): { findings: Finding[]; json: TerraformJson } {
  const json = JSON.parse(Testing.synth(stack, true)) as TerraformJson;
  return { findings: policyFindings(stack), json };
}

/**
 * The findings of `stack` once its aspects ran as synth runs them (tags, protections, then the policy
 * pack). No Terraform JSON is written: the findings come from the aspects alone, and writing the JSON
 * took as long again.
 */
export function aspectFindings(stack: TerraformStack): Finding[] {
  invokeAspects(stack);
  return policyFindings(stack);
}

/** The unsuppressed error findings of `stack` (aspectFindings), by rule id. */
export function policyErrors(stack: TerraformStack): string[] {
  return aspectFindings(stack)
    .filter((f) => f.level === "error" && f.suppressedBecause === undefined)
    .map((f) => f.ruleId);
}

/** A resource of any type, for references such as `random_password.x.result` (no provider package needed). */
export function fakeResource(scope: Construct, id: string, type: string): TerraformResource {
  return new TerraformResource(scope, id, { terraformResourceType: type });
}

/** The reference token to `random_password.<id>.result`. */
export function passwordResult(scope: Construct, id = "password"): string {
  return fakeResource(scope, id, "random_password").getStringAttribute("result");
}
