/** Builds the AWS targets alone in a small stack, with a spec and settings of the test's choosing. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { ContainerTarget, type ContainerTargetProps } from "../../lib/aws/container-target";
import { type AwsSettings, FunctionTarget, type FunctionTargetProps } from "../../lib/aws/function-target";
import type { FunctionBundle, ServiceSpec } from "../../lib/service";
import { FIXTURE_SERVICE, testApp } from "../helpers/environments";
import { scratchDir } from "../helpers/scratch";
import type { TerraformJson } from "../helpers/terraform";

export { all, only, ref } from "../helpers/terraform";

export const SPEC: ServiceSpec = {
  name: FIXTURE_SERVICE.name,
  version: "1.2.3",
  environment: "test",
  memoryMb: 512,
  timeoutSeconds: 15,
  minInstances: 1,
  maxInstances: 4,
  environmentVariables: { LOG_LEVEL: "info" },
  secretNames: [],
  healthPath: "/healthz",
  containerPort: 8080,
  image: FIXTURE_SERVICE.image,
  logRetentionDays: 30,
  canaryPercent: 0,
};

export const SETTINGS: AwsSettings = {
  region: "eu-west-1",
  accountId: "123456789012",
  natGateways: "single",
  vpcCidr: "10.40.0.0/16",
};

export const ZONE = { zoneId: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", domain: "test.example.net" };

const BUNDLE_SHA = "ab".repeat(32);
let bundle: FunctionBundle | undefined;

/** A stand-in zip (the real one is built by app/build/bundles.ts and tested there). */
export function fakeBundle(): FunctionBundle {
  if (bundle === undefined) {
    const dir = scratchDir("aws-bundle");
    const path = join(dir, "aws.zip");
    writeFileSync(path, "not really a zip");
    bundle = { path, sha256: BUNDLE_SHA };
  }
  return bundle;
}

export interface BuildOptions {
  readonly spec?: Partial<ServiceSpec>;
  readonly settings?: Partial<AwsSettings>;
  readonly function?: Partial<FunctionTargetProps>;
  readonly container?: Partial<ContainerTargetProps>;
  /** Which targets to build. @default both */
  readonly only?: "function" | "container";
}

export interface Built {
  readonly json: TerraformJson;
  readonly stack: TerraformStack;
  readonly fn?: FunctionTarget;
  readonly container?: ContainerTarget;
}

export function buildAws(options: BuildOptions = {}): Built {
  const app = testApp();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: options.settings?.region ?? SETTINGS.region });
  new CloudflareProvider(stack, "cloudflare", {});
  const spec = { ...SPEC, ...options.spec };
  const settings = { ...SETTINGS, ...options.settings };
  const fn =
    options.only === "container"
      ? undefined
      : new FunctionTarget(stack, "fn", { spec, settings, bundle: fakeBundle(), ...options.function });
  const container =
    options.only === "function"
      ? undefined
      : new ContainerTarget(stack, "ct", { spec, settings, zone: ZONE, ...options.container });
  // Outputs show what the endpoint tokens resolve to.
  if (fn) new TerraformOutput(stack, "function_endpoint", { value: fn.endpoint });
  if (container) new TerraformOutput(stack, "container_endpoint", { value: container.endpoint });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  return { json, stack, fn, container };
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource?: string | string[];
  Principal?: Record<string, unknown>;
  Condition?: Record<string, unknown>;
}

/** Statements of a policy document attribute. */
export function statements(policy: unknown): Statement[] {
  return (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
}

/** A Terraform reference standing in for the edge's generated secret. */
export const ORIGIN_SECRET_TOKEN = `\${random_password.origin.result}`;
