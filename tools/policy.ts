/**
 * `npm run policy`: synthesizes the environments through the same path as
 * `npm run synth` (into a temporary folder, so `cdktf.out` is untouched) and
 * prints every finding per environment, suppressed ones with their reasons.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EnvironmentFiles, loadConfiguration } from "../lib/config/load";
import { PACKS } from "../lib/policy/packs";
import { countsOf, formatPolicyTable, PolicyError, type PolicyReport } from "../lib/policy/report";
import type { ReleaseFor } from "../lib/stacks/release-input";
import { synthEnvironments } from "../lib/stacks/synth";
import { formatColumns } from "./columns";
import { booleanOption, command, type Io, UsageError } from "./command";

export function formatRules(): string {
  const rows = Object.entries(PACKS).flatMap(([pack, rules]) =>
    rules.map((rule) => [rule.id, rule.level, pack, rule.description]),
  );
  return formatColumns(rows);
}

/** `npm run policy` over `files` and `company` (tests: stand-ins). */
export function policyCommand(
  files: EnvironmentFiles,
  company: unknown,
  /** Each environment's release, as synth gets it from its variables (lib/stacks/release-input.ts). @default - LOCAL_RELEASE */
  options: { release?: (env: Io["env"]) => ReleaseFor | undefined } = {},
) {
  return command({
    name: "policy",
    summary: "Every policy finding of every environment, as a table",
    usage: "[--rules] [environment...]",
    description: `Synthesizes the environments as \`npm run synth\` does (in a temporary folder;
cdktf.out is not touched) and prints, per environment, every policy finding:
rule, level, resource, and the reason of each suppression, then what to change.
Names of environments select those only (default: all in environments/index.ts).`,
    options: { rules: booleanOption("list every rule (id, level, pack, what it checks) and exit") },
    positionals: { max: Number.POSITIVE_INFINITY },
    notes: "Exit status: 0 no unsuppressed errors; 1 errors, or an invalid configuration; 2 bad usage.",
    run({ values, positionals: names }, io) {
      if (values.rules === true) {
        io.out(formatRules());
        return 0;
      }
      // The same release variables as synth, so the table describes what the pipeline deploys.
      const release = options.release?.(io.env);
      const configs = loadConfiguration(files, company).configs;
      const unknown = names.filter((name) => !configs.some((config) => config.name === name));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown environment ${unknown.join(", ")}; known: ${configs.map((c) => c.name).join(", ")}`,
        );
      }
      const selected = names.length === 0 ? configs : configs.filter((config) => names.includes(config.name));
      const work = mkdtempSync(join(tmpdir(), "policy-"));
      let reports: readonly PolicyReport[];
      try {
        reports = synthEnvironments(selected, { outdir: join(work, "cdktf.out"), release }).map((s) => s.policy);
      } catch (error) {
        if (!(error instanceof PolicyError)) {
          io.err(`Synth failed: ${error instanceof Error ? error.message : String(error)}`);
          return 1;
        }
        reports = error.reports;
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      io.out(formatPolicyTable(reports));
      return countsOf(reports).errors > 0 ? 1 : 0;
    },
  });
}
