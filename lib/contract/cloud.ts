/**
 * What one cloud folder gives EnvironmentStack: its provider and its two
 * targets. lib/stacks/clouds.ts holds one `CloudModule` per cloud in a
 * `Record<Cloud, ...>`, so the stack loops instead of repeating a block per
 * cloud, and a missing cloud fails the type-check. docs/adding-a-cloud.md
 * lists every other touch point.
 */
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { Cloud, EnvironmentConfig, TargetKind } from "../config/schema";
import type { StandardTags } from "../policy/tags";
import type { FunctionBundle } from "../service";
import type { SpecLimits } from "./spec-validation";
import type { TargetProps, WorkloadTarget } from "./target";

/** The environment's settings block of one cloud (`config.aws`, `config.azure`, ...). */
export type CloudSettings<C extends Cloud> = NonNullable<EnvironmentConfig[C]>;

/** What a cloud's `addTargets` receives: the common target props plus what the stack knows. */
export interface CloudTargetsProps<Settings> extends TargetProps<Settings> {
  /** The workload's function zip for this cloud. */
  readonly bundle: FunctionBundle;
  /** The whole environment, for what a cloud needs beyond its block (AWS: the Cloudflare zone for its certificate). */
  readonly config: EnvironmentConfig;
}

export interface CloudModule<Settings> {
  /** What each target accepts beyond the generic ServiceSpec rules (`lib/<cloud>/validation.ts`). */
  readonly limits: Readonly<Record<TargetKind, SpecLimits>>;
  /** Region or location named by the settings: what the targets run in and report as `REGION`. */
  readonly region: (settings: Settings) => string;
  /** The cloud's Terraform provider, from the settings and never with credentials (each reads its own env vars). */
  readonly addProvider: (scope: Construct, settings: Settings, tags: StandardTags) => TerraformProvider;
  /** Creates the function and container targets (ids `<cloud>-function`, `<cloud>-container`) and returns them. */
  readonly addTargets: (scope: Construct, props: CloudTargetsProps<Settings>) => readonly WorkloadTarget[];
}

/** One module per cloud: a cloud added to `CLOUDS` without one fails the type-check. */
export type CloudRegistry = { readonly [C in Cloud]: CloudModule<CloudSettings<C>> };
