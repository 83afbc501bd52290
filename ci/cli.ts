/**
 * The `ci` commands behind the `npm run ci:*` scripts, written with the
 * repository's command toolkit (tools/command.ts: parsing, --help, exit codes).
 * Bad arguments exit 2 with the usage line; a missing or malformed plan JSON,
 * invalid environments or an out-of-date pipeline file is one line on stderr
 * and exit 1. A plan note with no token configured is a warning and exit 0
 * (the plan stays in the job log); a note GitLab refused or never answered
 * fails the job (exit 1), so an old note is never mistaken for the current plan.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { company, environments } from "../environments";
import { loadConfiguration } from "../lib/config/load";
import { booleanOption, command, type Io, listOption, type Program, stringOption, UsageError } from "../tools/command";
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
import { DRIFT_EXIT_CODE } from "./pipeline/environment-jobs";
import { NOTE_TOKEN_VARIABLE, renderPipeline } from "./pipeline/pipeline";
import { type Plan, readPlan } from "./plan/plan";
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
import { MOCK_TEST_FILE, stackDirs, writeMockTest } from "./validate/mocks";

/** Separates numbered notes in the `render` output. */
export const NOTE_SEPARATOR = "\n<!-- next note -->\n";

export { DRIFT_EXIT_CODE };

type Environment = Io["env"];

const nonEmpty = (value: string | undefined): string | undefined => (value === "" ? undefined : value);

const required = (name: string, value: string | undefined): string => {
  if (value === undefined || value === "") throw new UsageError(`--${name} <value> is required`);
  return value;
};

const STACKS_OPTION = {
  stacks: stringOption("<dir>", "folder of the synthesized stacks (default: cdktf.out/stacks)"),
} as const;
const ENV_OPTION = stringOption("<name>", "environment name (required)");
const PLAN_OPTION = stringOption("<file>", "output of `tofu show -json <planfile>` (required)");
const MAX_LENGTH_OPTION = stringOption(
  "<n>",
  "longest note in characters (default: 1000000, GitLab's limit; at least 5000)",
);
/** What names the commit, pipeline and jobs in a note. */
const CONTEXT_OPTIONS = {
  "job-url": stringOption("<url>", "job that made the plan, linked from the note (default: $CI_JOB_URL)"),
  validate: stringOption(
    "<file>",
    'validate-result.txt of the validate job ("passed"/"failed", then its URL); missing: "not run"',
  ),
} as const;
const CONTEXT_NOTES = `Reads CI_MERGE_REQUEST_SOURCE_BRANCH_SHA (else CI_COMMIT_SHA), CI_PIPELINE_ID and CI_PIPELINE_URL
to name the commit and pipeline.`;

/** The validate job's result file: "passed" or "failed" on its first line, its job URL on the second. */
function readValidateResult(path: string | undefined): ValidateResult | undefined {
  if (path === undefined || !existsSync(path)) return undefined;
  const [status, jobUrl] = readFileSync(path, "utf8").split("\n");
  return { status: status.trim() === "passed" ? "passed" : "failed", jobUrl: nonEmpty(jobUrl?.trim()) };
}

function noteOptions(
  values: { "job-url"?: string; validate?: string },
  environment: string,
  env: Environment,
  artifact?: string,
): NoteOptions {
  const jobUrl = nonEmpty(values["job-url"]) ?? nonEmpty(env.CI_JOB_URL);
  const ownJob = nonEmpty(env.CI_JOB_URL);
  return {
    environment,
    jobUrl,
    // Merged-results pipelines run on a temporary merge commit: name the branch head the reviewer knows.
    commitSha: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA) ?? nonEmpty(env.CI_COMMIT_SHA),
    pipelineUrl: nonEmpty(env.CI_PIPELINE_URL),
    pipelineId: nonEmpty(env.CI_PIPELINE_ID),
    validate: readValidateResult(nonEmpty(values.validate)),
    artifactUrl: artifact !== undefined && ownJob !== undefined ? `${ownJob}/artifacts/file/${artifact}` : undefined,
  };
}

function maxLengthOption(text: string | undefined): number | undefined {
  const maxLength = nonEmpty(text) === undefined ? undefined : Number(text);
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 5000)) {
    throw new UsageError(`--max-length must be an integer of at least 5000, got "${text}"`);
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

/** The `ci` commands; `retry` shortens the GitLab retries in tests. */
export function ciProgram(retry?: RetryOptions): Program {
  const render = command({
    name: "render",
    summary: "Print the Markdown plan note(s) of one environment",
    usage: "--plan <file> --env <name> [options]",
    description: `Prints the Markdown note(s) for the plan JSON of one environment: one note, or
numbered notes separated by a line "<!-- next note -->" when the list of
changes alone passes the length limit.`,
    options: {
      plan: PLAN_OPTION,
      env: { ...ENV_OPTION, help: "environment name, shown in the note and its hidden marker (required)" },
      full: booleanOption("one document with every detail and no length limit (the rendered-plan artifact)"),
      out: stringOption("<file>", "write to this file instead of stdout"),
      "max-length": MAX_LENGTH_OPTION,
      ...CONTEXT_OPTIONS,
    },
    notes: CONTEXT_NOTES,
    run({ values }, io) {
      const planPath = required("plan", values.plan);
      const environment = required("env", values.env);
      const plan = readPlan(planPath);
      const options = { ...noteOptions(values, environment, io.env), maxLength: maxLengthOption(values["max-length"]) };
      const text =
        values.full === true ? renderFullNote(plan, options) : renderNotes(plan, options).join(NOTE_SEPARATOR);
      const out = nonEmpty(values.out);
      if (out === undefined) io.out(text);
      else writeFileSync(out, text);
      return 0;
    },
  });

  const report = command({
    name: "report",
    summary: 'Write the GitLab terraform report JSON ({"create","update","delete"}) of a plan',
    usage: "--plan <file> [--out <file>]",
    description: `Writes the GitLab terraform report ({"create": n, "update": n, "delete": n}) for
artifacts:reports:terraform. A replacement counts as one create and one delete.`,
    options: {
      plan: PLAN_OPTION,
      out: stringOption("<file>", "write the report to this file instead of stdout"),
    },
    run({ values }, io) {
      const result = terraformReport(readPlan(required("plan", values.plan)));
      const json = JSON.stringify(result);
      const out = nonEmpty(values.out);
      if (out === undefined) io.out(json);
      else {
        writeFileSync(out, `${json}\n`);
        io.out(`Terraform report ${out}: ${result.create} create, ${result.update} update, ${result.delete} delete`);
      }
      return 0;
    },
  });

  const note = command({
    name: "note",
    summary: "Render the note(s) and create or update them on the merge request",
    usage: "--env <name> (--plan <file> | --failed) [options]",
    description: `Renders the note(s) and creates them on the merge request, or updates the
notes of the same environment that the token's user wrote, in place. A note
with the same marker by someone else is left alone and a new one created;
continuation notes no longer needed are deleted. Reads CI_SERVER_URL,
CI_PROJECT_ID, CI_MERGE_REQUEST_IID and the project access token in
$${NOTE_TOKEN_VARIABLE}. Without a token it prints the note with a warning and
exits 0. When GitLab refuses (401, 403, 404, ...) or keeps failing (5xx,
timeouts) it prints the note and exits 1: the old note on the merge request
would otherwise read as the current plan. Outside a merge request it only
writes --out.`,
    options: {
      plan: { ...PLAN_OPTION, help: "output of `tofu show -json <planfile>`" },
      failed: booleanOption('the plan job failed: the note says "plan failed at <sha>" with the job link'),
      env: ENV_OPTION,
      out: stringOption("<file>", "also write the full rendered plan (every detail) to this file"),
      "max-length": MAX_LENGTH_OPTION,
      ...CONTEXT_OPTIONS,
    },
    notes: CONTEXT_NOTES,
    run({ values }, io) {
      const environment = required("env", values.env);
      const out = nonEmpty(values.out);
      const options = {
        ...noteOptions(values, environment, io.env, out),
        maxLength: maxLengthOption(values["max-length"]),
      };
      let notes: string[];
      let full: string;
      if (values.failed === true) {
        notes = [renderFailedNote(options)];
        full = notes[0];
      } else {
        const plan: Plan = readPlan(required("plan", values.plan));
        notes = renderNotes(plan, options);
        full = out === undefined ? "" : renderFullNote(plan, options);
      }
      // A failed synth leaves no stack folder: the "plan failed" note still needs its file.
      if (out !== undefined) {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, full);
      }
      return postNotes(notes, environment, io, retry, out);
    },
  });

  const stepsNote = command({
    name: "steps-note",
    summary: "Render the rollout steps' saved plans (promote, rollback) of one environment as its note",
    usage: "--env <name> --step <name>=<plan.json> [--step ...] --out <file> [options]",
    description: `Renders the saved plans of an environment's rollout steps (plan-steps:<env>:
promote, rollback) as one note, a section per step with its counts and every
changed address, and writes it to --out (exit 1 when it cannot). In a
merge-request pipeline it is also posted like the plan note (own marker).`,
    options: {
      env: ENV_OPTION,
      step: listOption(
        "<name>=<file>",
        "a step and the output of `tofu show -json <step>.tfplan` (repeatable, in order)",
      ),
      out: stringOption("<file>", "the rendered note (required)"),
      "job-url": stringOption("<url>", "job that made the plans (default: $CI_JOB_URL)"),
      validate: CONTEXT_OPTIONS.validate,
    },
    run({ values }, io) {
      const environment = required("env", values.env);
      const out = required("out", values.out);
      const specs = values.step ?? [];
      if (specs.length === 0) throw new UsageError("--step <name>=<plan.json> is required");
      const steps = specs.map((spec) => {
        const [step, file] = spec.split(/=(.*)/s);
        if (step === "" || file === undefined || file === "") {
          throw new UsageError(`--step takes <name>=<plan.json>, got "${spec}"`);
        }
        return { step, plan: readPlan(file) };
      });
      const text = renderStepsNote(steps, noteOptions(values, environment, io.env, out));
      try {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, text);
      } catch (error) {
        io.err(
          `ci steps-note: the rollout plans note of ${environment} was not written to ${out}: ${(error as Error).message}`,
        );
        return 1;
      }
      // Same place as the environment's note: the merge request when there is one, else the rendered file.
      return postNotes([text], `${environment}-steps`, io, retry, out);
    },
  });

  const drift = command({
    name: "drift",
    summary: "Create, update or close the drift issue of one environment from a refresh-only plan",
    usage: "--plan <file> --env <name> [--job-url <url>]",
    description: `Reads the JSON of \`tofu plan -refresh-only\` and makes the project's issue list
say so: creates or updates the issue "Drift in <env>" (label "drift") when
resources changed outside Terraform, closes it with a comment when nothing did.
Only issues the token's user wrote are edited. Reads CI_SERVER_URL,
CI_PROJECT_ID, CI_COMMIT_SHA and the token in $${NOTE_TOKEN_VARIABLE}; without
them it prints the drift with a warning.`,
    options: {
      plan: { ...PLAN_OPTION, help: "output of `tofu show -json drift.tfplan` (required)" },
      env: ENV_OPTION,
      "job-url": stringOption("<url>", "the drift job (default: $CI_JOB_URL)"),
    },
    notes: `Exit status: 0 no drift; ${DRIFT_EXIT_CODE} drift (the job's allow_failure exit code; 2 stays a usage error);
1 the plan cannot be read. Bad usage also exits 2, with a message on stderr.`,
    run({ values }, io) {
      const environment = required("env", values.env);
      const plan = readPlan(required("plan", values.plan));
      return postDrift(plan, noteOptions(values, environment, io.env), io, retry);
    },
  });

  const mocks = command({
    name: "mocks",
    summary: "Write the mock-provider test file next to every synthesized stack",
    usage: "[--stacks <dir>]",
    description: `Writes <stack>/${MOCK_TEST_FILE} for every stack under the stacks folder: one
mock_provider block per provider and alias of its cdk.tf.json, and a run block
that plans it, so \`tofu test\` checks it against the real provider schemas
without credentials.`,
    options: STACKS_OPTION,
    run({ values }, io) {
      for (const dir of stackDirs(nonEmpty(values.stacks) ?? join("cdktf.out", "stacks"))) {
        io.out(`Wrote ${writeMockTest(dir)}`);
      }
      return 0;
    },
  });

  const validate = command({
    name: "validate",
    summary: "Check every synthesized stack with tofu/terraform and mock providers (skips without them)",
    usage: "[--stacks <dir>]",
    description: `Writes the mock-provider test files (see mocks), then for every stack runs
ci/scripts/validate.sh: init -backend=false, validate, test. Uses tofu, else
terraform, from PATH; without either it says it skipped and exits 0. Exits 1
when a stack fails.`,
    options: STACKS_OPTION,
    run({ values }, io) {
      const dirs = stackDirs(nonEmpty(values.stacks) ?? join("cdktf.out", "stacks"));
      for (const dir of dirs) writeMockTest(dir);
      const binary = onPath("tofu", io.env) ?? onPath("terraform", io.env);
      if (binary === undefined) {
        io.out(
          `validate: SKIPPED: neither tofu nor terraform is on PATH, so nothing was checked. Install OpenTofu ` +
            `(https://opentofu.org/docs/intro/install/) to check ${dirs.length} stacks against the real provider schemas; ` +
            `the merge-request job validate:<env> does it in CI. Mock-provider tests written to <stack>/${MOCK_TEST_FILE}.`,
        );
        return 0;
      }
      const script = join(REPOSITORY_ROOT, "ci", "scripts", "validate.sh");
      const failed: string[] = [];
      for (const dir of dirs) {
        io.out(`validate: ${dir} with ${binary}`);
        const result = spawnSync("sh", [script, dir], {
          env: { ...io.env, TF: binary },
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        if (result.stdout) io.out(result.stdout.replace(/\n$/, ""));
        if (result.stderr) io.err(result.stderr.replace(/\n$/, ""));
        if (result.status !== 0) failed.push(dir);
      }
      if (failed.length > 0) {
        io.err(`validate: ${failed.length} of ${dirs.length} stacks failed: ${failed.join(", ")} (output above)`);
        return 1;
      }
      io.out(`validate: all ${dirs.length} stacks passed`);
      return 0;
    },
  });

  const pipeline = command({
    name: "pipeline",
    summary: "Write .gitlab-ci.yml from environments/ and lib/identity.ts, or check it is up to date",
    usage: "[--check] [--out <file>] [--children <dir>]",
    description: `Writes .gitlab-ci.yml for the environments in environments/index.ts: one
pipeline, or past ${CHILD_PIPELINE_THRESHOLD} environments a parent pipeline whose
\`${CHILD_PIPELINES_JOB}\` job writes one child pipeline per ${ENVIRONMENTS_PER_CHILD} environments
(docs/gitlab-ci.md, "Many environments").`,
    options: {
      check: booleanOption("do not write; exit 1 when the file differs from what would be written"),
      out: stringOption("<file>", "file to write or check (default: .gitlab-ci.yml)"),
      children: stringOption(
        "<dir>",
        `write the child pipeline files into <dir> instead (the ${CHILD_PIPELINES_JOB} job)`,
      ),
    },
    run({ values }, io) {
      const configs = loadConfiguration(environments, company).configs;
      const childrenDir = nonEmpty(values.children);
      if (childrenDir !== undefined) {
        const files = renderChildPipelines(configs);
        mkdirSync(childrenDir, { recursive: true });
        for (const [file, text] of Object.entries(files)) writeFileSync(join(childrenDir, basename(file)), text);
        io.out(`Wrote ${Object.keys(files).length} child pipelines to ${childrenDir}/`);
        return 0;
      }
      const out = nonEmpty(values.out) ?? ".gitlab-ci.yml";
      const text = isSplit(configs) ? renderParentPipeline(configs) : renderPipeline(configs);
      if (values.check === true) {
        const current = existsSync(out) ? readFileSync(out, "utf8") : undefined;
        if (current !== text) {
          io.err(`pipeline: ${out} is out of date with environments/ and ci/; run \`npm run ci:pipeline\``);
          return 1;
        }
        io.out(`${out} is up to date`);
        return 0;
      }
      writeFileSync(out, text);
      io.out(`Wrote ${out} (${Object.keys(environments).length} environments)`);
      return 0;
    },
  });

  return {
    name: "ci",
    invocation: (name) => `npm run ci:${name} --`,
    usage: "Usage: npm run ci:<command> -- [options]   (or: node bin/run.cjs ci/main.ts <command> [options])",
    commands: [render, report, note, stepsNote, drift, mocks, validate, pipeline],
  };
}

async function postNotes(
  notes: readonly string[],
  environment: string,
  io: Io,
  retry: RetryOptions | undefined,
  out: string | undefined,
): Promise<number> {
  const env = io.env;
  const degrade = (reason: string): number => {
    io.err(`WARNING: the plan note for ${environment} was not posted: ${reason}. The note follows.`);
    io.out(notes.join(NOTE_SEPARATOR));
    return 0;
  };
  const host = nonEmpty(env.CI_SERVER_URL);
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  const iid = Number(env.CI_MERGE_REQUEST_IID);
  if (host === undefined || projectId === undefined || !Number.isInteger(iid) || iid <= 0) {
    if (out !== undefined) {
      io.out(`Not a merge-request pipeline: the plan of ${environment} is rendered in ${out}, no note posted`);
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
      io.out(`Plan note for ${environment}${part} ${note.action} on !${iid} (note ${note.noteId})`);
    }
    if (result.removed > 0) io.out(`Deleted ${result.removed} continuation notes no longer needed`);
    if (result.foreign > 0) {
      io.out(`Left ${result.foreign} note(s) with this environment's marker by another author alone`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof NoteApiError)) throw error;
    io.err(
      `ERROR: the plan note for ${environment} was not written: ${error.message}. The note on !${iid} may be out of date; the note follows.`,
    );
    io.out(notes.join(NOTE_SEPARATOR));
    return 1;
  }
}

function retryLog(io: Io): RetryOptions["onRetry"] {
  return (attempt, delay, reason) =>
    io.err(`GitLab API: ${reason}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`);
}

async function postDrift(plan: Plan, options: NoteOptions, io: Io, retry: RetryOptions | undefined): Promise<number> {
  const env = io.env;
  const issue = renderDriftIssue(plan, options);
  const code = issue.drifted ? DRIFT_EXIT_CODE : 0;
  io.out(issue.drifted ? issue.description : `No drift in ${options.environment}.`);
  const host = nonEmpty(env.CI_SERVER_URL);
  const projectId = nonEmpty(env.CI_PROJECT_ID);
  const token = nonEmpty(env[NOTE_TOKEN_VARIABLE]);
  if (host === undefined || projectId === undefined || token === undefined) {
    io.err(
      `WARNING: the drift issue of ${options.environment} was not updated: CI_SERVER_URL, CI_PROJECT_ID or ${NOTE_TOKEN_VARIABLE} is not set`,
    );
    return code;
  }
  try {
    const result = await reportDrift({ host, projectId, token }, issue, issue.drifted, {
      ...retry,
      onRetry: retryLog(io),
    });
    const which = result.issueIid === undefined ? "" : ` #${result.issueIid}`;
    io.out(`Drift issue of ${options.environment}${which}: ${result.action}`);
  } catch (error) {
    if (!(error instanceof NoteApiError)) throw error;
    io.err(`WARNING: the drift issue of ${options.environment} was not updated: ${error.message}`);
  }
  return code;
}
