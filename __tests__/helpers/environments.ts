/** Builders for environment configs and synthesized stacks, shared by every test. */
import { type App, Testing } from "cdktf";
import { loadEnvironments } from "../../lib/config/load";
import type { EnvironmentConfig, EnvironmentInput } from "../../lib/config/schema";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";

/** A valid environment with all clouds on; `patch` replaces top-level fields. */
export function environmentInput(patch: Partial<Record<keyof EnvironmentInput, unknown>> = {}): EnvironmentInput {
  const base: EnvironmentInput = {
    name: "test",
    clouds: ["aws", "azure", "gcp"],
    aws: { region: "eu-west-1", accountId: "123456789012" },
    azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-00000000000a" },
    gcp: { project: "blueprint-test-01", region: "europe-west1" },
    cloudflare: {
      accountId: "0123456789abcdef0123456789abcdef",
      zoneId: "fedcba9876543210fedcba9876543210",
      domain: "test.example.com",
    },
    service: { memoryMb: 512, timeoutSeconds: 15, minInstances: 1, maxInstances: 4 },
    weights: {
      "aws.function": 20,
      "aws.container": 20,
      "azure.function": 20,
      "azure.container": 10,
      "gcp.function": 20,
      "gcp.container": 10,
    },
    backend: { type: "local" },
    deploy: { gate: "auto", tier: "testing" },
    monitoring: { notify: { emails: ["oncall@test.example.com"] } },
  };
  return { ...structuredClone(base), ...(patch as Partial<EnvironmentInput>) };
}

export function environmentConfig(patch: Partial<Record<keyof EnvironmentInput, unknown>> = {}): EnvironmentConfig {
  return loadEnvironments([environmentInput(patch)])[0];
}

export interface SynthesizedStack {
  readonly stack: EnvironmentStack;
  /** The stack's Terraform JSON as a string (for cdktf's jest matchers). */
  readonly synthesized: string;
  /** The same, parsed. */
  readonly json: TerraformJson;
}

export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, unknown> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  variable?: Record<string, Record<string, unknown>>;
}

/** Synthesizes one environment stack in memory, with aspects applied. */
export function synthEnvironment(config: EnvironmentConfig, image?: string): SynthesizedStack {
  const app = Testing.app() as App;
  const stack = new EnvironmentStack(app, { config, image });
  const synthesized = Testing.synth(stack, true);
  return { stack, synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** All resources of one Terraform type, by logical id. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}
