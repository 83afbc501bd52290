/**
 * Runs gitlab-ci-local (pinned 4.73.0; newer versions crash on Node 20) on
 * pipeline files in a throw-away git repository: it needs a git repo with a
 * remote, and writes a `.gitlab-ci-local/` state folder where it runs.
 *
 * Two traps, handled here and by the tests: it does not cancel a pipeline on
 * `workflow:rules` (the tests evaluate those rules through a probe job), and
 * naming jobs on its command line skips their rules (only `--list-json`, which
 * evaluates every job's rules, is used).
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const BIN = resolve(__dirname, "..", "..", "..", "node_modules", ".bin", "gitlab-ci-local");

/** Predefined variables the scenarios override; listed so gitlab-ci-local does not warn about each. */
const OVERRIDDEN = [
  "CI_PIPELINE_SOURCE",
  "CI_COMMIT_BRANCH",
  "CI_COMMIT_TAG",
  "CI_DEFAULT_BRANCH",
  "CI_MERGE_REQUEST_IID",
  "CI_OPEN_MERGE_REQUESTS",
  "CI_PROJECT_ID",
  "CI_MERGE_REQUEST_PROJECT_ID",
];

export interface ListedJob {
  readonly name: string;
  readonly stage: string;
  /** The evaluated `when`: on_success, manual, never, ... */
  readonly when: string;
  readonly needs?: readonly { job: string }[];
}

export interface Scenario {
  /** Variables as GitLab would set them for that kind of pipeline. */
  readonly variables: Readonly<Record<string, string>>;
  /** Predefined variables GitLab would not set (CI_COMMIT_BRANCH in merge-request pipelines). */
  readonly unset?: readonly string[];
}

/**
 * The pipelines GitLab starts on the default branch, for a merge request and
 * on a schedule, with the variables it sets for each: shared by the tests of
 * the CI jobs and of the release graph, so both evaluate the same pipelines.
 */
export const PIPELINES = {
  mergeRequest: {
    variables: {
      CI_PIPELINE_SOURCE: "merge_request_event",
      CI_MERGE_REQUEST_IID: "7",
      CI_DEFAULT_BRANCH: "main",
      CI_PROJECT_ID: "42",
      CI_MERGE_REQUEST_PROJECT_ID: "42",
    },
    unset: ["CI_COMMIT_BRANCH"],
  },
  defaultBranch: { variables: { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" } },
  schedule: { variables: { CI_PIPELINE_SOURCE: "schedule", CI_COMMIT_BRANCH: "main", CI_DEFAULT_BRANCH: "main" } },
} as const satisfies Record<string, Scenario>;

/** A temporary git repository holding `files`, with a remote and a default branch `main`. */
export function sandbox(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "gitlab-ci-local-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("remote", "add", "origin", "https://gitlab.example.net/group/blueprint.git");
  git("add", "-A");
  git("-c", "user.email=ci@example.net", "-c", "user.name=ci", "commit", "-qm", "pipeline under test");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
  return dir;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A folder of stub executables (name -> shell script body) to put first on
 * PATH. It always holds an `rsync` that does nothing: gitlab-ci-local copies
 * the project with rsync before every run, which only its Docker executor
 * uses, and rsync is not on every machine.
 */
export function stubBin(stubs: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "stub-bin-"));
  for (const [name, body] of Object.entries({ rsync: "exit 0\n", ...stubs })) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/**
 * Runs gitlab-ci-local with a clean environment (no CI_* of the machine
 * running the tests); `binDir` (see stubBin) goes first on PATH.
 */
export function gitlabCiLocal(dir: string, args: readonly string[], binDir?: string): Promise<RunResult> {
  const path = [binDir, process.env.PATH ?? ""].filter((part) => part !== undefined).join(":");
  const env = { PATH: path, HOME: dir, LANG: "C.UTF-8", FORCE_COLOR: "0" };
  return new Promise((resolvePromise) => {
    execFile(BIN, [...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The jobs of `file` with their rules evaluated for `scenario` (schema validation off: tested once, separately). */
export async function listJobs(dir: string, file: string, scenario: Scenario): Promise<ListedJob[]> {
  const args = [
    "--file",
    file,
    "--list-json",
    "--no-json-schema-validation",
    "--ignore-predefined-vars",
    OVERRIDDEN.join(","),
  ];
  for (const [key, value] of Object.entries(scenario.variables)) args.push("--variable", `${key}=${value}`);
  for (const key of scenario.unset ?? []) args.push("--unset-variable", key);
  const result = await gitlabCiLocal(dir, args);
  if (result.code !== 0) throw new Error(`gitlab-ci-local failed (${result.code}): ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf("["))) as ListedJob[];
}

/**
 * Runs `tasks` with at most `concurrency` at once: a few parallel runs hide
 * process start-up, more only fight over the CPU (measured on 2 cores:
 * 1 at a time 17 s, 3 at a time 6 s, 8 at a time 11 s).
 */
export async function inPool<T>(tasks: readonly (() => Promise<T>)[], concurrency = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
