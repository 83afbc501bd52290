/**
 * `npm run policy`: synthesizes the environments through the same path as
 * `npm run synth` (into a temporary folder, so `cdktf.out` is untouched) and
 * prints every finding per environment, suppressed ones with their reasons.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../lib/config/errors";
import { type EnvironmentFiles, loadConfiguration } from "../lib/config/load";
import type { EnvironmentConfig } from "../lib/config/schema";
import { PACKS } from "../lib/policy/packs";
import { countsOf, formatPolicyTable, PolicyError, type PolicyReport } from "../lib/policy/report";
import type { ReleaseFor } from "../lib/stacks/release-input";
import { synthEnvironments } from "../lib/stacks/synth";

export const POLICY_USAGE = `Usage: npm run policy [-- [--rules | --help] [environment...]]

Synthesizes the environments as \`npm run synth\` does (in a temporary folder;
cdktf.out is not touched) and prints, per environment, every policy finding:
rule, level, resource, and the reason of each suppression, then what to change.

  environment...  only these environments (default: all in environments/index.ts)
  --rules         list every rule (id, level, pack, what it checks) and exit
  --help, -h      show this help

Exit status: 0 no unsuppressed errors; 1 errors, or an invalid configuration; 2 bad usage.`;

export interface PolicyIo {
  log(message: string): void;
  error(message: string): void;
}

export interface PolicyCommandOptions {
  /** Each environment's release, as synth gets it (lib/stacks/release-input.ts). @default - LOCAL_RELEASE */
  readonly release?: ReleaseFor;
}

export function formatRules(): string {
  const rows = Object.entries(PACKS).flatMap(([pack, rules]) =>
    rules.map((rule) => [rule.id, rule.level, pack, rule.description]),
  );
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ")).join("\n");
}

/** @returns the exit code */
export function runPolicy(
  args: readonly string[],
  files: EnvironmentFiles,
  company: unknown,
  io: PolicyIo = console,
  options: PolicyCommandOptions = {},
): number {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(POLICY_USAGE);
    return 0;
  }
  if (args.includes("--rules")) {
    io.log(formatRules());
    return 0;
  }
  const unknownFlag = args.find((arg) => arg.startsWith("-"));
  if (unknownFlag !== undefined) {
    io.error(`Unknown option ${unknownFlag}.\n\n${POLICY_USAGE}`);
    return 2;
  }

  let configs: EnvironmentConfig[];
  try {
    configs = loadConfiguration(files, company).configs;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.error(error.message);
    return 1;
  }
  const unknown = args.filter((name) => !configs.some((config) => config.name === name));
  if (unknown.length > 0) {
    io.error(`Unknown environment ${unknown.join(", ")}; known: ${configs.map((c) => c.name).join(", ")}.`);
    return 2;
  }
  const selected = args.length === 0 ? configs : configs.filter((config) => args.includes(config.name));

  const work = mkdtempSync(join(tmpdir(), "policy-"));
  let reports: readonly PolicyReport[];
  try {
    reports = synthEnvironments(selected, { outdir: join(work, "cdktf.out"), release: options.release }).map(
      (s) => s.policy,
    );
  } catch (error) {
    if (!(error instanceof PolicyError)) {
      io.error(`Synth failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    reports = error.reports;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  io.log(formatPolicyTable(reports));
  return countsOf(reports).errors > 0 ? 1 : 0;
}
