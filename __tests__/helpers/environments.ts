/**
 * Builders for environment configs and synthesized stacks, shared by every
 * test. Company values (service name, domain, GitLab project...) come from
 * environments/company.ts, never from a literal, so the tests pass in a fork.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { App } from "cdktf";
import { company as companyInput, environments } from "../../environments";
import { type CompanyConfig, loadCompany } from "../../lib/config/company";
import { type EnvironmentFiles, loadEnvironments } from "../../lib/config/load";
import type { EnvironmentConfig, EnvironmentInput } from "../../lib/config/schema";
import type { Release } from "../../lib/release";
import type { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { scratchDir } from "./scratch";
import type { TerraformJson } from "./terraform";

export { resourcesOf, type TerraformJson } from "./terraform";

/**
 * The service name and image of specs that tests of one cloud's targets build
 * themselves: fixed, so their expected names read literally and do not change
 * with a fork's company settings (stack tests use COMPANY's).
 */
export const FIXTURE_SERVICE = { name: "shop", image: "ghcr.io/example/shop:1.0.0" } as const;

/** The validated company settings of this repository (environments/company.ts). */
export const COMPANY: CompanyConfig = loadCompany(companyInput);

/** The validated environments of this repository, in pipeline order. */
export function shippedEnvironments(): EnvironmentConfig[] {
  return loadEnvironments(environments, COMPANY);
}

/** Names of the shipped environments, in pipeline order. */
export const SHIPPED_NAMES: readonly string[] = Object.keys(environments);

/** A valid environment name that no shipped environment uses (for "unknown environment" cases). */
export const UNKNOWN_NAME: string = ["zz-unknown", "zz-unknown-2", "zz-unknown-3"].find(
  (name) => !SHIPPED_NAMES.includes(name),
) as string;

/** Environment files keyed by each input's name, as environments/index.ts lists them. */
export function filesOf(...inputs: readonly unknown[]): EnvironmentFiles {
  return Object.fromEntries(inputs.map((input) => [String((input as { name?: unknown }).name), input]));
}

/** A valid environment with all clouds on (Cloudflare account, zone and domain from the company); `patch` replaces top-level fields. */
export function environmentInput(patch: Partial<Record<keyof EnvironmentInput, unknown>> = {}): EnvironmentInput {
  const base: EnvironmentInput = {
    name: "test",
    clouds: ["aws", "azure", "gcp"],
    aws: { region: "eu-west-1", accountId: "123456789012" },
    azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-00000000000a" },
    gcp: { project: "blueprint-test-01", region: "europe-west1" },
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
    monitoring: { notify: { emails: ["oncall@fixture.test"] } },
  };
  // A protected environment keeps its state in its own cloud (lib/config/state.ts): local state would be refused.
  const backend = patch.protect === true && patch.backend === undefined ? { backend: { type: "cloud" } } : {};
  return { ...structuredClone(base), ...backend, ...(patch as Partial<EnvironmentInput>) } as EnvironmentInput;
}

export function environmentConfig(patch: Partial<Record<keyof EnvironmentInput, unknown>> = {}): EnvironmentConfig {
  return loadEnvironments(filesOf(environmentInput(patch)), COMPANY)[0];
}

export interface SynthesizedStack {
  readonly stack: EnvironmentStack;
  /** The stack's Terraform JSON as a string (for cdktf's jest matchers). */
  readonly synthesized: string;
  /** The same, parsed. */
  readonly json: TerraformJson;
}

/** This file's stacks by synthEnvironment key (jest gives every test file its own modules). */
const stacks = new Map<string, EnvironmentStack>();

/**
 * Strings shared by every test file of this jest worker (__tests__/worker-environment.js): synthesized
 * Terraform JSON by what was synthesized; a plain Map under another environment.
 */
const workerShared: Map<string, string> =
  (globalThis as { __workerShared?: Map<string, string> }).__workerShared ?? new Map<string, string>();

/**
 * `make()`'s result for `key`, computed once per jest run (`make` must be deterministic): kept in this
 * worker's memory and, for the other worker, in the run's shared folder (JEST_RUN_SHARED, made and
 * removed by __tests__/tmp-guard/), one file per key. Once per worker where that folder is not set.
 */
export function oncePerRun(key: string, make: () => string): string {
  let value = workerShared.get(key);
  if (value !== undefined) return value;
  const shared = process.env.JEST_RUN_SHARED;
  const file = shared && join(shared, `${createHash("sha256").update(key).digest("hex")}.json`);
  if (file && existsSync(file)) value = readFileSync(file, "utf8");
  else {
    value = make();
    if (file) {
      // Written whole, then renamed: the other worker never reads half a file.
      writeFileSync(`${file}.${process.pid}`, value);
      renameSync(`${file}.${process.pid}`, file);
    }
  }
  workerShared.set(key, value);
  return value;
}

let outdir: string | undefined;

/**
 * cdktf's `Testing.app()` with one output folder per jest file: `Testing.app()` makes a new temporary
 * folder for every app and never removes it, and `Testing.synth` writes nothing there.
 */
export function testApp(): App {
  const { Testing } = require("cdktf") as typeof import("cdktf");
  outdir ??= scratchDir("cdktf-outdir");
  return Testing.app({ outdir }) as App;
}

/** The stack of `config`, constructed in this file (not synthesized: aspects have not run). */
function construct(key: string, config: EnvironmentConfig, release: Release | undefined): EnvironmentStack {
  // Loaded on first use: cdktf and the stack's provider classes of every cloud take about a second per
  // test file, which the many files that only want COMPANY or an environment config never need.
  const { EnvironmentStack } =
    require("../../lib/stacks/environment-stack") as typeof import("../../lib/stacks/environment-stack");
  const stack = new EnvironmentStack(testApp(), { config, release });
  stacks.set(key, stack);
  return stack;
}

function synthesize(key: string, config: EnvironmentConfig, release: Release | undefined): string {
  const { Testing } = require("cdktf") as typeof import("cdktf");
  return Testing.synth(construct(key, config, release), true);
}

/**
 * Synthesizes one environment stack in memory, with aspects applied, once per jest run for each
 * config and release: a repeated call gets the first call's Terraform JSON (synth is deterministic)
 * and a fresh parse of it, and `stack` is constructed in this file only when read (without synth: the JSON is shared).
 */
export function synthEnvironment(config: EnvironmentConfig, release?: Release): SynthesizedStack {
  const key = JSON.stringify([config, release ?? null]);
  const synthesized = oncePerRun(`synth:${key}`, () => synthesize(key, config, release));
  return {
    get stack(): EnvironmentStack {
      // Its properties (spec, routes, origins) are set while constructing; synth adds only the JSON, shared.
      if (!stacks.has(key)) construct(key, config, release);
      return stacks.get(key) as EnvironmentStack;
    },
    synthesized,
    json: JSON.parse(synthesized) as TerraformJson,
  };
}

/** The `http` backend block GitLab-managed state of `stack` in `company`'s project synthesizes to. */
export function gitlabHttpBackend(stack: string, company: CompanyConfig = COMPANY): Record<string, unknown> {
  const address = `https://${company.gitlab.host}/api/v4/projects/${company.gitlab.projectId}/terraform/state/${stack}`;
  return {
    address,
    lock_address: `${address}/lock`,
    unlock_address: `${address}/lock`,
    lock_method: "POST",
    unlock_method: "DELETE",
  };
}

/** What the shipped app wrote and printed, run as `cdktf deploy <first environment>` runs it (shippedSynth). */
export interface ShippedSynth {
  /** The app's exit status, and what it printed, line by line. */
  readonly code: number;
  readonly out: readonly string[];
  readonly err: readonly string[];
  /** The folder it wrote to (gone once the jest file that synthesized ends: read `files`). */
  readonly outdir: string;
  /** Every file it wrote, base64, by path relative to `outdir` (helpers/files.ts's tree). */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * main.ts's synth of the shipped environments and the bootstrap stack, once per jest run: the app
 * in a process of its own, as the cdktf CLI runs it, fake credentials in its environment
 * (./shipped-app.ts; policy/secrets.test.ts checks them). A full synth costs about a second, and
 * stacks/synth.test.ts, stacks/addresses.test.ts, stacks/synth-equivalence.test.ts and
 * policy/secrets.test.ts read the same output.
 */
export function shippedSynth(): ShippedSynth {
  const made = oncePerRun("app:shipped", () => {
    const { deployShippedApp } = require("./shipped-app") as typeof import("./shipped-app");
    const { tree } = require("./files") as typeof import("./files");
    const work = scratchDir("shipped-synth");
    const outdir = join(work, "cdktf.out");
    const run = deployShippedApp(work, outdir, SHIPPED_NAMES[0]);
    const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
    const code = run.status ?? -1;
    return JSON.stringify({
      code,
      out: lines(run.stdout),
      err: lines(run.stderr),
      outdir,
      files: code === 0 ? tree(outdir) : {},
    });
  });
  return JSON.parse(made) as ShippedSynth;
}
