/**
 * Synthesizes every environment into `outdir` all-or-nothing: the app writes
 * into a sibling temporary folder that replaces `outdir` only once synth has
 * succeeded, so a failed run never leaves a half-written `cdktf.out`.
 */
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { ConfigError } from "../config/errors";
import { loadEnvironments } from "../config/load";
import type { EnvironmentConfig } from "../config/schema";
import { EnvironmentStack } from "./environment-stack";

export interface SynthOptions {
  /** Final output folder (cdktf's `CDKTF_OUTDIR` when run by the CLI). */
  readonly outdir: string;
  /** Container image for every stack, usually `CONTAINER_IMAGE` from CI. @default - per config */
  readonly image?: string;
}

export interface StackSummary {
  readonly name: string;
  /** Path of the stack's Terraform JSON, relative to the current directory. */
  readonly file: string;
  /** Resources per provider (`aws`, `azurerm`, `google`, `cloudflare`, ...), sorted by provider. */
  readonly resourcesByProvider: Readonly<Record<string, number>>;
}

export function synthEnvironments(configs: readonly EnvironmentConfig[], options: SynthOptions): StackSummary[] {
  const staging = `${options.outdir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, skipValidation: false });
    for (const config of configs) new EnvironmentStack(app, { config, image: options.image });
    app.synth();
    rmSync(options.outdir, { recursive: true, force: true });
    renameSync(staging, options.outdir);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
  return configs.map((config) => summarize(options.outdir, config.name));
}

function summarize(outdir: string, stack: string): StackSummary {
  const file = join(outdir, "stacks", stack, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  const counts: Record<string, number> = {};
  for (const [type, instances] of Object.entries(json.resource ?? {})) {
    const provider = type.split("_")[0];
    counts[provider] = (counts[provider] ?? 0) + Object.keys(instances).length;
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  return { name: stack, file: relative(process.cwd(), file), resourcesByProvider: sorted };
}

export function formatSummary(stacks: readonly StackSummary[]): string {
  const width = Math.max(...stacks.map((s) => s.name.length));
  const lines = stacks.map((s) => {
    const counts = Object.entries(s.resourcesByProvider);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const detail = counts.length > 0 ? counts.map(([p, n]) => `${p} ${n}`).join(", ") : "providers and backend only";
    return `  ${s.name.padEnd(width)}  ${String(total).padStart(4)} resources (${detail})  -> ${s.file}`;
  });
  return [`Synthesized ${stacks.length} stack${stacks.length === 1 ? "" : "s"}:`, ...lines].join("\n");
}

export interface Output {
  log(message: string): void;
  error(message: string): void;
}

/**
 * The whole `npm run synth` command: validate, synthesize, summarize.
 * @returns the process exit code: 0, or 1 after one readable message on `io.error`
 */
export function runSynth(inputs: readonly unknown[], options: SynthOptions, io: Output = console): number {
  try {
    const configs = loadEnvironments(inputs);
    io.log(formatSummary(synthEnvironments(configs, options)));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.error(error.message);
    } else {
      // Synth errors (validation, policy annotations) are already readable; the stack trace is noise unless asked for.
      const message = error instanceof Error ? error.message : String(error);
      io.error(`Synth failed: ${message}`);
      if (process.env.DEBUG !== undefined && error instanceof Error && error.stack) io.error(error.stack);
    }
    return 1;
  }
}
