/**
 * The `ci` command line behind the `npm run ci:*` scripts. Parsing uses
 * node:util parseArgs (no dependency). Every error a user can cause (bad
 * arguments, missing or malformed plan JSON, invalid environments, an
 * out-of-date pipeline file) is one line on stderr and exit code 1. A plan
 * note with no token configured is a warning and exit code 0 (the plan stays
 * in the job log); a note GitLab refused or never answered fails the job
 * (exit 1), so an old note is never mistaken for the current plan.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { company, environments } from "../environments";
import { ConfigError } from "../lib/config/errors";
import { loadConfiguration } from "../lib/config/load";
import { reportDrift } from "./gitlab/issues";
import { NoteApiError, publishNotes, type RetryOptions } from "./gitlab/notes";
import {
  CHILD_PIPELINE_THRESHOLD,
  CHILD_PIPELINES_JOB,
  ENVIRONMENTS_PER_CHILD,
  isSplit,
  renderChildPipelines,
  renderParentPipeline,
} from "./pipeline/children";
import { NOTE_TOKEN_VARIABLE, renderPipeline } from "./pipeline/pipeline";
import { type Plan, PlanError, readPlan } from "./plan/plan";
import {
  type NoteOptions,
  noteMarker,
  noteMarkerPrefix,
  renderDriftIssue,
  renderFailedNote,
  renderFullNote,
  renderNotes,
  renderStepsNote,
  type ValidateResult,
} from "./plan/render";
import { terraformReport } from "./plan/report";
import { MOCK_TEST_FILE, StackError, stackDirs, writeMockTest } from "./validate/mocks";

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

const USAGE = `Usage: npm run ci:<command> -- [options]   (or: node bin/run.cjs ci/main.ts <command> [options])

Commands:
  render     Print the Markdown plan note(s) of one environment
  report     Write the GitLab terraform report JSON ({"create","update","delete"}) of a plan
  note       Render the note(s) and create or update them on the merge request
  steps-note Render the rollout steps' saved plans (promote, rollback) of one environment as its note
  drift      Create, update or close the drift issue of one environment from a refresh-only plan
  mocks      Write the mock-provider test file next to every synthesized stack
  validate   Check every synthesized stack with tofu/terraform and mock providers (skips without them)
  pipeline   Write .gitlab-ci.yml from environments/ and lib/identity.ts, or check it is up to date

Run "<command> --help" for its options.`;

const CONTEXT_HELP = `  --job-url <url>      job that made the plan, linked from the note (default: $CI_JOB_URL)
  --validate <file>    validate-result.txt of the validate job ("passed"/"failed", then its URL); missing: "not run"
  Reads CI_MERGE_REQUEST_SOURCE_BRANCH_SHA (else CI_COMMIT_SHA), CI_PIPELINE_ID and CI_PIPELINE_URL
  to name the commit and pipeline.`;

const HELP: Record<string, string> = {
  render: `Usage: render --plan <file> --env <name> [options]

Prints the Markdown note(s) for the plan JSON of one environment: one note, or
numbered notes separated by a line "<!-- next note -->" when the list of
changes alone passes the length limit.

Options:
  --plan <file>        output of \`tofu show -json <planfile>\` (required)
  --env <name>         environment name, shown in the note and its hidden marker (required)
  --full               one document with every detail and no length limit (the rendered-plan artifact)
  --out <file>         write to this file instead of stdout
  --max-length <n>     longest note in characters (default: 1000000, GitLab's limit; at least 5000)
${CONTEXT_HELP}`,
  report: `Usage: report --plan <file> [--out <file>]

Writes the GitLab terraform report ({"create": n, "update": n, "delete": n}) for
artifacts:reports:terraform. A replacement counts as one create and one delete.

Options:
  --plan <file>   output of \`tofu show -json <planfile>\` (required)
  --out <file>    write the report to this file instead of stdout`,
  note: `Usage: note --env <name> (--plan <file> | --failed) [options]

Renders the note(s) and creates them on the merge request, or updates the
notes of the same environment that the token's user wrote, in place. A note
with the same marker by someone else is left alone and a new one created;
continuation notes no longer needed are deleted. Reads CI_SERVER_URL,
CI_PROJECT_ID, CI_MERGE_REQUEST_IID and the project access token in
$${NOTE_TOKEN_VARIABLE}. Without a token it prints the note with a warning and
exits 0. When GitLab refuses (401, 403, 404, ...) or keeps failing (5xx,
timeouts) it prints the note and exits 1: the old note on the merge request
would otherwise read as the current plan. Outside a merge request it only
writes --out.

Options:
  --plan <file>        output of \`tofu show -json <planfile>\`
  --failed             the plan job failed: the note says "plan failed at <sha>" with the job link
  --env <name>         environment name (required)
  --out <file>         also write the full rendered plan (every detail) to this file
  --max-length <n>     longest note in characters (default: 1000000, GitLab's limit; at least 5000)
${CONTEXT_HELP}`,
  "steps-note": `Usage: steps-note --env <name> --step <name>=<plan.json> [--step ...] --out <file> [options]

Renders the saved plans of an environment's rollout steps (plan-steps:<env>:
promote, rollback) as one note, a section per step with its counts and every
changed address, and writes it to --out (exit 1 when it cannot). In a
merge-request pipeline it is also posted like the plan note (own marker).

  --env <name>         environment name (required)
  --step <name>=<file> a step and the output of \`tofu show -json <step>.tfplan\` (repeatable, in order)
  --out <file>         the rendered note (required)
  --job-url <url>      job that made the plans (default: $CI_JOB_URL)`,
  drift: `Usage: drift --plan <file> --env <name> [--job-url <url>]

Reads the JSON of \`tofu plan -refresh-only\` and makes the project's issue list
say so: creates or updates the issue "Drift in <env>" (label "drift") when
resources changed outside Terraform, closes it with a comment when nothing did.
Only issues the token's user wrote are edited. Reads CI_SERVER_URL,
CI_PROJECT_ID, CI_COMMIT_SHA and the token in $${NOTE_TOKEN_VARIABLE}; without
them it prints the drift with a warning. Exits 2 when there is drift.

Options:
  --plan <file>     output of \`tofu show -json drift.tfplan\` (required)
  --env <name>      environment name (required)
  --job-url <url>   the drift job (default: $CI_JOB_URL)`,
  mocks: `Usage: mocks [--stacks <dir>]

Writes <stack>/${MOCK_TEST_FILE} for every stack under the stacks folder: one
mock_provider block per provider and alias of its cdk.tf.json, and a run block
that plans it, so \`tofu test\` checks it against the real provider schemas
without credentials.

Options:
  --stacks <dir>   folder of the synthesized stacks (default: cdktf.out/stacks)`,
  validate: `Usage: validate [--stacks <dir>]

Writes the mock-provider test files (see mocks), then for every stack runs
ci/scripts/validate.sh: init -backend=false, validate, test. Uses tofu, else
terraform, from PATH; without either it says it skipped and exits 0. Exits 1
when a stack fails.

Options:
  --stacks <dir>   folder of the synthesized stacks (default: cdktf.out/stacks)`,
  pipeline: `Usage: pipeline [--check] [--out <file>] [--children <dir>]

Writes .gitlab-ci.yml for the environments in environments/index.ts: one
pipeline, or past ${CHILD_PIPELINE_THRESHOLD} environments a parent pipeline whose
\`${CHILD_PIPELINES_JOB}\` job writes one child pipeline per ${ENVIRONMENTS_PER_CHILD} environments
(docs/gitlab-ci.md, "Many environments").

Options:
  --check            do not write; exit 1 when the file differs from what would be written
  --out <file>       file to write or check (default: .gitlab-ci.yml)
  --children <dir>   write the child pipeline files into <dir> instead (the ${CHILD_PIPELINES_JOB} job)`,
};

/** Separates numbered notes in the `render` output. */
export const NOTE_SEPARATOR = "\n<!-- next note -->\n";

type Values = Record<string, string | boolean | undefined>;

function parse(
  command: string,
  args: string[],
  options: Record<string, { type: "string" | "boolean"; multiple?: boolean }>,
): Values {
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

const CONTEXT_OPTIONS = {
  env: { type: "string" },
  "job-url": { type: "string" },
  validate: { type: "string" },
  out: { type: "string" },
} as const;

/** The validate job's result file: "passed" or "failed" on its first line, its job URL on the second. */
function readValidateResult(path: string | undefined): ValidateResult | undefined {
  if (path === undefined || !existsSync(path)) return undefined;
  const [status, jobUrl] = readFileSync(path, "utf8").split("\n");
  return { status: status.trim() === "passed" ? "passed" : "failed", jobUrl: nonEmpty(jobUrl?.trim()) };
}

function noteOptions(values: Values, environment: string, env: Environment, artifact?: string): NoteOptions {
  const jobUrl = optionalString(values, "job-url") ?? nonEmpty(env.CI_JOB_URL);
  const ownJob = nonEmpty(env.CI_JOB_URL);
  return {
    environment,
    jobUrl,
    // Merged-results pipelines run on a temporary merge commit: name the branch head the reviewer knows.
    commitSha: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA) ?? nonEmpty(env.CI_COMMIT_SHA),
    pipelineUrl: nonEmpty(env.CI_PIPELINE_URL),
    pipelineId: nonEmpty(env.CI_PIPELINE_ID),
    validate: readValidateResult(optionalString(values, "validate")),
    artifactUrl: artifact !== undefined && ownJob !== undefined ? `${ownJob}/artifacts/file/${artifact}` : undefined,
  };
}

type Environment = Readonly<Record<string, string | undefined>>;

function maxLengthOption(command: string, values: Values): number | undefined {
  const text = optionalString(values, "max-length");
  const maxLength = text === undefined ? undefined : Number(text);
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 5000)) {
    throw new UsageError(`${command}: --max-length must be an integer of at least 5000, got "${text}"`);
  }
  return maxLength;
}

/** The first executable `name` on PATH, or undefined. */
function onPath(name: string, env: Environment): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function run(command: string, args: string[], io: Io, ctx: CliContext): Promise<number> {
  const env = ctx.env ?? process.env;
  switch (command) {
    case "render": {
      const values = parse(command, args, {
        ...CONTEXT_OPTIONS,
        plan: { type: "string" },
        full: { type: "boolean" },
        "max-length": { type: "string" },
      });
      if (values.help === true) return help(io, command);
      const planPath = requireString(command, values, "plan");
      const environment = requireString(command, values, "env");
      const plan = readPlan(planPath);
      const options = { ...noteOptions(values, environment, env), maxLength: maxLengthOption(command, values) };
      const text =
        values.full === true ? renderFullNote(plan, options) : renderNotes(plan, options).join(NOTE_SEPARATOR);
      const out = optionalString(values, "out");
      if (out === undefined) io.out(text);
      else writeFileSync(out, text);
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
      const values = parse(command, args, {
        ...CONTEXT_OPTIONS,
        plan: { type: "string" },
        failed: { type: "boolean" },
        "max-length": { type: "string" },
      });
      if (values.help === true) return help(io, command);
      const environment = requireString(command, values, "env");
      const out = optionalString(values, "out");
      const options = { ...noteOptions(values, environment, env, out), maxLength: maxLengthOption(command, values) };
      let notes: string[];
      let full: string;
      if (values.failed === true) {
        notes = [renderFailedNote(options)];
        full = notes[0];
      } else {
        const plan: Plan = readPlan(requireString(command, values, "plan"));
        notes = renderNotes(plan, options);
        full = out === undefined ? "" : renderFullNote(plan, options);
      }
      // A failed synth leaves no stack folder: the "plan failed" note still needs its file.
      if (out !== undefined) {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, full);
      }
      return postNotes(notes, environment, env, io, ctx.retry, out);
    }
    case "steps-note": {
      const values = parse(command, args, { ...CONTEXT_OPTIONS, step: { type: "string", multiple: true } });
      if (values.help === true) return help(io, command);
      const environment = requireString(command, values, "env");
      const out = requireString(command, values, "out");
      const specs = (values.step as unknown as string[] | undefined) ?? [];
      if (specs.length === 0) throw new UsageError(`${command}: --step <name>=<plan.json> is required`);
      const steps = specs.map((spec) => {
        const [step, file] = spec.split(/=(.*)/s);
        if (step === "" || file === undefined || file === "") {
          throw new UsageError(`${command}: --step takes <name>=<plan.json>, got "${spec}"`);
        }
        return { step, plan: readPlan(file) };
      });
      const note = renderStepsNote(steps, noteOptions(values, environment, env, out));
      try {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, note);
      } catch (error) {
        io.err(
          `ci ${command}: the rollout plans note of ${environment} was not written to ${out}: ${(error as Error).message}\n`,
        );
        return 1;
      }
      // Same place as the environment's note: the merge request when there is one, else the rendered file.
      return postNotes([note], `${environment}-steps`, env, io, ctx.retry, out);
    }
    case "drift": {
      const values = parse(command, args, { ...CONTEXT_OPTIONS, plan: { type: "string" } });
      if (values.help === true) return help(io, command);
      const environment = requireString(command, values, "env");
      const plan = readPlan(requireString(command, values, "plan"));
      return postDrift(plan, noteOptions(values, environment, env), env, io, ctx.retry);
    }
    case "mocks": {
      const values = parse(command, args, { stacks: { type: "string" } });
      if (values.help === true) return help(io, command);
      const dirs = stackDirs(optionalString(values, "stacks") ?? join("cdktf.out", "stacks"));
      for (const dir of dirs) io.out(`Wrote ${writeMockTest(dir)}\n`);
      return 0;
    }
    case "validate": {
      const values = parse(command, args, { stacks: { type: "string" } });
      if (values.help === true) return help(io, command);
      const dirs = stackDirs(optionalString(values, "stacks") ?? join("cdktf.out", "stacks"));
      for (const dir of dirs) writeMockTest(dir);
      const binary = onPath("tofu", env) ?? onPath("terraform", env);
      if (binary === undefined) {
        io.out(
          `validate: SKIPPED: neither tofu nor terraform is on PATH, so nothing was checked. Install OpenTofu ` +
            `(https://opentofu.org/docs/intro/install/) to check ${dirs.length} stacks against the real provider schemas; ` +
            `the merge-request job validate:<env> does it in CI. Mock-provider tests written to <stack>/${MOCK_TEST_FILE}.\n`,
        );
        return 0;
      }
      const script = join(REPOSITORY_ROOT, "ci", "scripts", "validate.sh");
      const failed: string[] = [];
      for (const dir of dirs) {
        io.out(`validate: ${dir} with ${binary}\n`);
        const result = spawnSync("sh", [script, dir], {
          env: { ...env, TF: binary },
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        io.out(result.stdout ?? "");
        if (result.stderr) io.err(result.stderr);
        if (result.status !== 0) failed.push(dir);
      }
      if (failed.length > 0) {
        io.err(`validate: ${failed.length} of ${dirs.length} stacks failed: ${failed.join(", ")} (output above)\n`);
        return 1;
      }
      io.out(`validate: all ${dirs.length} stacks passed\n`);
      return 0;
    }
    case "pipeline": {
      const values = parse(command, args, {
        check: { type: "boolean" },
        out: { type: "string" },
        children: { type: "string" },
      });
      if (values.help === true) return help(io, command);
      const configs = loadConfiguration(environments, company).configs;
      const childrenDir = optionalString(values, "children");
      if (childrenDir !== undefined) {
        const files = renderChildPipelines(configs);
        mkdirSync(childrenDir, { recursive: true });
        for (const [file, text] of Object.entries(files)) writeFileSync(join(childrenDir, basename(file)), text);
        io.out(`Wrote ${Object.keys(files).length} child pipelines to ${childrenDir}/\n`);
        return 0;
      }
      const out = optionalString(values, "out") ?? ".gitlab-ci.yml";
      const text = isSplit(configs) ? renderParentPipeline(configs) : renderPipeline(configs);
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
      throw new UsageError(
        `unknown command "${command}"; commands: render, report, note, steps-note, drift, mocks, validate, pipeline`,
      );
  }
}

function help(io: Io, command: string): number {
  io.out(`${HELP[command]}\n`);
  return 0;
}

async function postNotes(
  notes: readonly string[],
  environment: string,
  env: Environment,
  io: Io,
  retry: RetryOptions | undefined,
  out: string | undefined,
): Promise<number> {
  const degrade = (reason: string): number => {
    io.err(`WARNING: the plan note for ${environment} was not posted: ${reason}. The note follows.\n`);
    io.out(`${notes.join(NOTE_SEPARATOR)}\n`);
    return 0;
  };
  const host = nonEmpty(env.CI_SERVER_URL);
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (host === undefined || projectId === undefined || !Number.isInteger(iid) || iid <= 0) {
    if (out !== undefined) {
      io.out(`Not a merge-request pipeline: the plan of ${environment} is rendered in ${out}, no note posted\n`);
      return 0;
    }
    return degrade("not in a merge-request pipeline (CI_SERVER_URL, CI_PROJECT_ID or CI_MERGE_REQUEST_IID missing)");
  }
  const token = nonEmpty(env[NOTE_TOKEN_VARIABLE]);
  if (token === undefined) {
    return degrade(
      `${NOTE_TOKEN_VARIABLE} is not set (a masked CI/CD variable with a project access token, api scope; CI_JOB_TOKEN cannot write notes)`,
    );
  }
  try {
    const result = await publishNotes(
      { host, projectId, mergeRequestIid: iid, token },
      notes.map((body, index) => ({ marker: noteMarker(environment, index + 1), body })),
      noteMarkerPrefix(environment),
      { ...retry, onRetry: retryLog(io) },
    );
    for (const [index, note] of result.notes.entries()) {
      const part = notes.length === 1 ? "" : ` (part ${index + 1} of ${notes.length})`;
      io.out(`Plan note for ${environment}${part} ${note.action} on !${iid} (note ${note.noteId})\n`);
    }
    if (result.removed > 0) io.out(`Deleted ${result.removed} continuation notes no longer needed\n`);
    if (result.foreign > 0) {
      io.out(`Left ${result.foreign} note(s) with this environment's marker by another author alone\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof NoteApiError)) throw error;
    io.err(
      `ERROR: the plan note for ${environment} was not written: ${error.message}. The note on !${iid} may be out of date; the note follows.\n`,
    );
    io.out(`${notes.join(NOTE_SEPARATOR)}\n`);
    return 1;
  }
}

function retryLog(io: Io): RetryOptions["onRetry"] {
  return (attempt, delay, reason) =>
    io.err(`GitLab API: ${reason}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s\n`);
}

/** Exit code of `drift` when resources changed outside Terraform (like `plan -detailed-exitcode`). */
export const DRIFT_EXIT_CODE = 2;

async function postDrift(
  plan: Plan,
  options: NoteOptions,
  env: Environment,
  io: Io,
  retry: RetryOptions | undefined,
): Promise<number> {
  const issue = renderDriftIssue(plan, options);
  const code = issue.drifted ? DRIFT_EXIT_CODE : 0;
  io.out(issue.drifted ? `${issue.description}\n` : `No drift in ${options.environment}.\n`);
  const host = nonEmpty(env.CI_SERVER_URL);
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  const token = nonEmpty(env[NOTE_TOKEN_VARIABLE]);
  if (host === undefined || projectId === undefined || token === undefined) {
    io.err(
      `WARNING: the drift issue of ${options.environment} was not updated: CI_SERVER_URL, CI_PROJECT_ID or ${NOTE_TOKEN_VARIABLE} is not set\n`,
    );
    return code;
  }
  try {
    const result = await reportDrift({ host, projectId, token }, issue, issue.drifted, {
      ...retry,
      onRetry: retryLog(io),
    });
    const which = result.issueIid === undefined ? "" : ` #${result.issueIid}`;
    io.out(`Drift issue of ${options.environment}${which}: ${result.action}\n`);
  } catch (error) {
    if (!(error instanceof NoteApiError)) throw error;
    io.err(`WARNING: the drift issue of ${options.environment} was not updated: ${error.message}\n`);
  }
  return code;
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
    if (error instanceof StackError) {
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
