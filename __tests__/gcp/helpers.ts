/** Builds a stack holding only the GCP targets, from a test environment plus overrides. */

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import type { EnvironmentInput } from "../../lib/config/schema";
import { ContainerTarget, FunctionTarget, type GcpSettings } from "../../lib/gcp";
import type { Rollout } from "../../lib/release";
import { type FunctionBundle, type ServiceSpec, serviceSpecFor } from "../../lib/service";
import { environmentConfig, FIXTURE_SERVICE, testApp } from "../helpers/environments";
import { scratchDir } from "../helpers/scratch";
import type { TerraformJson } from "../helpers/terraform";

export { all, idOf, only } from "../helpers/terraform";

/** A small fake zip: its content decides the hash, like the real bundle. */
export function fakeBundle(content = "bundle v1"): FunctionBundle {
  const dir = scratchDir("gcp-bundle");
  const path = join(dir, "gcp.zip");
  writeFileSync(path, content);
  return { path, sha256: createHash("sha256").update(content).digest("hex") };
}

export interface GcpStackOptions {
  /** Top-level environment fields (name, service, canaryPercent, protect...). */
  readonly env?: Partial<Record<keyof EnvironmentInput, unknown>>;
  /** Fields of the `gcp` block. */
  readonly settings?: Partial<GcpSettings>;
  /** ServiceSpec fields set after the spec is built (e.g. a long service name). */
  readonly spec?: Partial<ServiceSpec>;
  readonly bundle?: FunctionBundle;
  /** Pass the edge's shared secret as a token (a sensitive variable, `\${var.origin-secret}`). */
  readonly originSecret?: boolean;
  /** The container's rollout (new release percent, stable revision). */
  readonly rollout?: Rollout;
}

export interface GcpStack {
  readonly json: TerraformJson;
  readonly spec: ServiceSpec;
  readonly settings: GcpSettings;
  readonly fn: FunctionTarget;
  readonly ct: ContainerTarget;
  readonly stack: TerraformStack;
}

const defaultBundle = fakeBundle();

const cache = new Map<string, GcpStack>();

/** Synthesizes once per distinct `options` (tests only read the result). */
export function synthGcp(options: GcpStackOptions = {}): GcpStack {
  const key = JSON.stringify(options);
  let built = cache.get(key);
  if (built === undefined) {
    built = synthGcpFresh(options);
    cache.set(key, built);
  }
  return built;
}

/** A new synth every call (to check that two synths agree). */
export function synthGcpFresh(options: GcpStackOptions = {}): GcpStack {
  const config = environmentConfig({
    clouds: ["gcp"],
    aws: undefined,
    azure: undefined,
    weights: { "gcp.function": 50, "gcp.container": 50 },
    ...options.env,
  });
  const settings = { ...(config.gcp as GcpSettings), ...options.settings };
  const spec: ServiceSpec = { ...serviceSpecFor(config), ...FIXTURE_SERVICE, ...options.spec };
  const app = testApp();
  const stack = new TerraformStack(app, "gcp-test");
  new GoogleProvider(stack, "google", { project: settings.project, region: settings.region });
  const originSecret = options.originSecret
    ? new TerraformVariable(stack, "origin-secret", { type: "string", sensitive: true }).stringValue
    : undefined;
  const common = { spec, settings, protect: config.protect, originSecret };
  const fn = new FunctionTarget(stack, "gcp-function", { ...common, bundle: options.bundle ?? defaultBundle });
  const ct = new ContainerTarget(stack, "gcp-container", { ...common, rollout: options.rollout });
  // Endpoints are tokens: outputs show what they resolve to.
  new TerraformOutput(stack, "function-endpoint", { value: fn.endpoint });
  new TerraformOutput(stack, "container-endpoint", { value: ct.endpoint });
  return { json: JSON.parse(Testing.synth(stack)) as TerraformJson, spec, settings, fn, ct, stack };
}
