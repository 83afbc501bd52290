/**
 * The `ci` command line behind the `npm run ci:*` scripts. Parsing uses
 * node:util parseArgs (no dependency). Every error a user can cause (bad
 * arguments, missing or malformed plan JSON, invalid environments, an
 * out-of-date pipeline file) is one line on stderr and exit code 1; a GitLab
 * API refusal is a warning and exit code 0, because the plan stays visible in
 * the job log and a comment must never fail the pipeline.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { company, environments } from "../environments";
import { ConfigError } from "../lib/config/errors";
import { loadConfiguration } from "../lib/config/load";
import { NoteApiError, type RetryOptions, upsertNote } from "./gitlab/notes";
import { NOTE_TOKEN_VARIABLE, renderPipeline } from "./pipeline/pipeline";
import { PlanError, readPlan } from "./plan/plan";
import { noteMarker, renderNote } from "./plan/render";
import { terraformReport } from "./plan/report";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface CliContext {
  readonly io?: Io;
  /** Environment variables (CI_*, the note token). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Retry timing of the note upsert (tests shorten it). @default - notes.ts defaults */
  readonly retry?: RetryOptions;
}

/** A bad command line; printed as one line with a pointer to --help. */
class UsageError extends Error {}

const USAGE = `Usage: npm run ci:<command> -- [options]   (or: tsx ci/main.ts <command> [options])

Commands:
  render     Print the Markdown plan note of one environment
  report     Write the GitLab terraform report JSON ({"create","update","delete"}) of a plan
  note       Render the note and create or update it on the merge request
  pipeline   Write .gitlab-ci.yml from environments/ and ci/identity.ts, or check it is up to date

Run "<command> --help" for its options.`;

const HELP: Record<string, string> = {
  render: `Usage: render --plan <file> --env <name> [--job-url <url>] [--out <file>]

Prints the Markdown note for the plan JSON of one environment.

Options:
  --plan <file>     output of \`tofu show -json <planfile>\` (required)
  --env <name>      environment name, shown in the note and its hidden marker (required)
  --job-url <url>   job that made the plan, linked from the note (default: $CI_JOB_URL)
  --out <file>      write the note to this file instead of stdout
  --max-length <n>  longest note in characters (default: 1000000, GitLab's limit)`,
  report: `Usage: report --plan <file> [--out <file>]

Writes the GitLab terraform report ({"create": n, "update": n, "delete": n}) for
artifacts:reports:terraform. A replacement counts as one create and one delete.

Options:
  --plan <file>   output of \`tofu show -json <planfile>\` (required)
  --out <file>    write the report to this file instead of stdout`,
  note: `Usage: note --plan <file> --env <name> [--job-url <url>]

Renders the note and creates it on the merge request, or updates the note of the
same environment in place. Reads CI_SERVER_URL, CI_PROJECT_ID,
CI_MERGE_REQUEST_IID and the project access token in $${NOTE_TOKEN_VARIABLE}.
Without a token, outside a merge request, or when GitLab refuses, it prints the
note with a warning and exits 0.

Options:
  --plan <file>     output of \`tofu show -json <planfile>\` (required)
  --env <name>      environment name (required)
  --job-url <url>   job that made the plan (default: $CI_JOB_URL)`,
  pipeline: `Usage: pipeline [--check] [--out <file>]

Writes .gitlab-ci.yml for the environments in environments/index.ts.

Options:
  --check        do not write; exit 1 when the file differs from what would be written
  --out <file>   file to write or check (default: .gitlab-ci.yml)`,
};

type Values = Record<string, string | boolean | undefined>;

function parse(command: string, args: string[], options: Record<string, { type: "string" | "boolean" }>): Values {
  try {
    return parseArgs({ args, options: { ...options, help: { type: "boolean" } }, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split(". ")[0]}`);
  }
}

function requireString(command: string, values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`${command}: --${name} <value> is required`);
  return value;
}

function optionalString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

const PLAN_OPTIONS = { plan: { type: "string" }, env: { type: "string" }, "job-url": { type: "string" } } as const;

async function run(command: string, args: string[], io: Io, ctx: CliContext): Promise<number> {
  const env = ctx.env ?? process.env;
  switch (command) {
    case "render": {
      const values = parse(command, args, {
        ...PLAN_OPTIONS,
        out: { type: "string" },
        "max-length": { type: "string" },
      });
      if (values.help === true) return help(io, command);
      const planPath = requireString(command, values, "plan");
      const environment = requireString(command, values, "env");
      const maxText = optionalString(values, "max-length");
      const maxLength = maxText === undefined ? undefined : Number(maxText);
      if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 1000)) {
        throw new UsageError(`${command}: --max-length must be an integer of at least 1000, got "${maxText}"`);
      }
      const jobUrl = optionalString(values, "job-url") ?? nonEmpty(env.CI_JOB_URL);
      const note = renderNote(readPlan(planPath), { environment, jobUrl, maxLength });
      const out = optionalString(values, "out");
      if (out === undefined) io.out(note);
      else writeFileSync(out, note);
      return 0;
    }
    case "report": {
      const values = parse(command, args, { plan: { type: "string" }, out: { type: "string" } });
      if (values.help === true) return help(io, command);
      const report = terraformReport(readPlan(requireString(command, values, "plan")));
      const json = `${JSON.stringify(report)}\n`;
      const out = optionalString(values, "out");
      if (out === undefined) io.out(json);
      else {
        writeFileSync(out, json);
        io.out(`Terraform report ${out}: ${report.create} create, ${report.update} update, ${report.delete} delete\n`);
      }
      return 0;
    }
    case "note": {
      const values = parse(command, args, PLAN_OPTIONS);
      if (values.help === true) return help(io, command);
      const environment = requireString(command, values, "env");
      const plan = readPlan(requireString(command, values, "plan"));
      const jobUrl = optionalString(values, "job-url") ?? nonEmpty(env.CI_JOB_URL);
      const note = renderNote(plan, { environment, jobUrl });
      return postNote(note, environment, env, io, ctx.retry);
    }
    case "pipeline": {
      const values = parse(command, args, { check: { type: "boolean" }, out: { type: "string" } });
      if (values.help === true) return help(io, command);
      const out = optionalString(values, "out") ?? ".gitlab-ci.yml";
      const text = renderPipeline(loadConfiguration(environments, company).configs);
      if (values.check === true) {
        let current: string | undefined;
        try {
          current = readFileSync(out, "utf8");
        } catch {
          current = undefined;
        }
        if (current !== text) {
          io.err(`pipeline: ${out} is out of date with environments/ and ci/; run \`npm run ci:pipeline\`\n`);
          return 1;
        }
        io.out(`${out} is up to date\n`);
        return 0;
      }
      writeFileSync(out, text);
      io.out(`Wrote ${out} (${Object.keys(environments).length} environments)\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"; commands: render, report, note, pipeline`);
  }
}

function help(io: Io, command: string): number {
  io.out(`${HELP[command]}\n`);
  return 0;
}

async function postNote(
  note: string,
  environment: string,
  env: Readonly<Record<string, string | undefined>>,
  io: Io,
  retry: RetryOptions | undefined,
): Promise<number> {
  const degrade = (reason: string): number => {
    io.err(`WARNING: the plan note for ${environment} was not posted: ${reason}. The note follows.\n`);
    io.out(`${note}\n`);
    return 0;
  };
  const token = nonEmpty(env[NOTE_TOKEN_VARIABLE]);
  if (token === undefined) {
    return degrade(
      `${NOTE_TOKEN_VARIABLE} is not set (a masked CI/CD variable with a project access token, api scope; CI_JOB_TOKEN cannot write notes)`,
    );
  }
  const host = nonEmpty(env.CI_SERVER_URL);
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (host === undefined || projectId === undefined || !Number.isInteger(iid) || iid <= 0) {
    return degrade("not in a merge-request pipeline (CI_SERVER_URL, CI_PROJECT_ID or CI_MERGE_REQUEST_IID missing)");
  }
  try {
    const result = await upsertNote({ host, projectId, mergeRequestIid: iid, token }, noteMarker(environment), note, {
      ...retry,
      onRetry: (attempt, delay, reason) =>
        io.err(`GitLab API: ${reason}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s\n`),
    });
    io.out(`Plan note for ${environment} ${result.action} on !${iid} (note ${result.noteId})\n`);
    return 0;
  } catch (error) {
    if (error instanceof NoteApiError) return degrade(error.message);
    throw error;
  }
}

/** Runs one command; returns the exit code. Never throws for errors a user can cause. */
export async function main(argv: readonly string[], ctx: CliContext = {}): Promise<number> {
  const io = ctx.io ?? {
    out: (text: string) => process.stdout.write(text),
    err: (text: string) => process.stderr.write(text),
  };
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.out(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  try {
    return await run(command, args, io, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ci ${error.message}; see --help\n`);
      return 1;
    }
    if (error instanceof PlanError) {
      io.err(`ci ${command}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`ci ${command}: unexpected error: ${message}\n`);
    if (process.env.DEBUG !== undefined && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    return 1;
  }
}
