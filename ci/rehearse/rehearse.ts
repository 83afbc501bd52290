/**
 * Runs one kind of pipeline of a clean clone, job by job, the way GitLab
 * would: gitlab-ci-local's shell executor with `--shell-isolation` (each job
 * starts from the tracked files plus the artifacts of its needs), rules
 * evaluated with the kind's predefined variables, dotenv reports handed on,
 * manual jobs played in operator order. What cannot run here is a recording
 * stub at the process boundary (stub.cjs), a fake GitLab (fake-gitlab.ts) and
 * a loopback world of origins and edges (world.ts). The result lists each job
 * with its outcome, time, stub calls and GitLab requests, plus the problems
 * that fail the rehearsal. Scenarios that differ only in what the world or
 * GitLab answers from some job on are branches of one run (`branches`): the
 * jobs before that one run once for all of them.
 */
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { company, environments } from "../../environments";
import { loadConfiguration } from "../../lib/config/load";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { ID_TOKENS, IDENTITY_PURPOSES, identityVariables } from "../../lib/identity";
import { NOTE_TOKEN_VARIABLE } from "../pipeline/pipeline";
import { type FakeGitLab, type FakeState, type RecordedRequest, startFakeGitLab } from "./fake-gitlab";
import { type Kind, kindVariables } from "./kinds";
import { neededBy, nextStep, PipelineError, type PlannedJob, resolveNeeds, type Status } from "./schedule";
import { ANALYTICS_PATH, startWorld } from "./world";

const ROOT = REPOSITORY_ROOT;
const GITLAB_CI_LOCAL = join(ROOT, "node_modules", ".bin", "gitlab-ci-local");
const STUB = join(ROOT, "ci", "rehearse", "stub.cjs");
export const STUBBED_TOOLS = [
  "tofu",
  "terraform",
  "buildctl-daemonless.sh",
  "crane",
  "aws",
  "az",
  "gcloud",
  "curl",
  "apk",
  "npm",
] as const;

/** Tokens the fake GitLab accepts; the jobs get them as CI/CD variables. */
const NOTE_TOKEN = "glpat-rehearsal";
const JOB_TOKEN = "rehearsal-job-token";

export class RehearsalError extends Error {}

export interface RehearsalOptions {
  readonly kind: Kind;
  /** Git repository whose HEAD is cloned. @default the repository this file is in */
  readonly source?: string;
  /** node_modules the jobs' `npm ci` links (installed from its sibling package-lock.json). @default <this repository>/node_modules */
  readonly nodeModules?: string;
  /** Jobs left out of the pipeline, as if their rules excluded them. @default none */
  readonly skip?: readonly string[];
  /**
   * Rehearse only these jobs and the jobs they need (directly or through others): a scenario about
   * one job's outcome does not pay for the rest of the pipeline. @default every job
   */
  readonly only?: readonly string[];
  /** An origin whose canary fails its health check (world.ts). @default none */
  readonly failingOrigin?: string;
  /** An origin whose canary passes its probes but fails real requests in the edge's signal (world.ts). @default none */
  readonly failingCanary?: string;
  /** HTTP status the fake GitLab answers every merge-request note request with. @default - notes are accepted */
  readonly notesRefused?: number;
  /**
   * Scenarios that are this one until a job of it, then differ in the world or in GitLab: each goes on
   * from a copy of the pipeline as it stood before that job (artifacts, caches, states, notes,
   * deployments), so the jobs before it run once for all. @default none
   */
  readonly branches?: readonly RehearsalBranch[];
  /** Keep the temporary folder. @default false */
  readonly keep?: boolean;
  /** Progress lines. @default - silent */
  readonly progress?: (line: string) => void;
}

/**
 * A scenario that runs as the rehearsal does until `from`, then with its own options. The rehearsal
 * refuses a branch when a job before `from` already asked what the branch answers differently (the
 * failing origin's endpoints, the edge's signal, the notes API): those jobs would not have run the same.
 */
export interface RehearsalBranch {
  /** The job before which the branch leaves the rehearsal's run. */
  readonly from: string;
  /** As RehearsalOptions.only, from the whole pipeline. @default every job */
  readonly only?: readonly string[];
  readonly failingOrigin?: string;
  readonly failingCanary?: string;
  readonly notesRefused?: number;
  /**
   * The committed pipeline file as a broken commit would change it, from `from` on. The rehearsal refuses
   * an edit of a job that ran before `from`, of a template or of a global keyword: those jobs would not
   * have run the same. @default the committed file
   */
  readonly pipeline?: (committed: string) => string;
}

export interface StubCall {
  readonly job: string;
  readonly tool: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly outcome: "ok" | "refused";
  readonly detail?: string;
}

export type JobOutcome = Status | "waiting" | "not played";

export interface JobResult {
  readonly name: string;
  readonly outcome: JobOutcome;
  readonly seconds: number;
  readonly calls: readonly StubCall[];
  readonly requests: readonly RecordedRequest[];
  /** Why it was skipped or is waiting. */
  readonly reason?: string;
  /** Last lines of its log when it failed. */
  readonly logTail?: string;
  /** Queries it sent the fake Analytics Engine SQL API (verify's canary analysis). @default 0 */
  readonly analyticsQueries?: number;
}

export interface RehearsalResult {
  readonly kind: Kind;
  /** Commit rehearsed. */
  readonly commit: string;
  /** False when GitLab would create no pipeline (workflow:rules). */
  readonly pipeline: boolean;
  readonly jobs: readonly JobResult[];
  /** Everything that fails the rehearsal; empty when it passed. */
  readonly problems: readonly string[];
  readonly seconds: number;
  /** The temporary folder (removed unless `keep`). */
  readonly workdir: string;
  /** Notes, issues, states and deployments left in the fake GitLab. */
  readonly gitlab: Pick<FakeGitLab, "notes" | "issues" | "states" | "deployments">;
  /** States kept in an environment's own cloud (backend `cloud`: protected environments), by environment. */
  readonly cloudStates: ReadonlyMap<string, unknown>;
  /** The results of RehearsalOptions.branches, in their order. */
  readonly branches: readonly RehearsalResult[];
}

function requireRsync(): void {
  try {
    execFileSync("rsync", ["--version"], { stdio: "pipe" });
  } catch {
    throw new RehearsalError(
      "rsync is not installed: gitlab-ci-local --shell-isolation copies each job's files with it (apt-get install rsync)",
    );
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * One shim per tool, first on PATH. With the rehearsal's stub server (REHEARSAL_STUB_SERVER, see
 * startStubServer) a call costs a shell and a mkfifo, not a Node start (~0.1 CPU-s, 140 calls a pipeline):
 * the shim names its pid, tool and argument count on the server's FIFO, the server reads the rest from
 * /proc/<pid> and answers on the shim's own FIFO. Without it (or /proc), the shim runs stub.cjs itself.
 */
export function writeStubs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const tool of STUBBED_TOOLS) {
    const file = join(dir, tool);
    // Only `npm ci` is rehearsed: any other npm command goes straight to the real npm, not through a stub's Node.
    const real = tool === "npm" ? `[ "$1" = ci ] || exec "$REHEARSAL_REAL_NPM" "$@"\n` : "";
    const shim = [
      "#!/bin/sh",
      `${real}s=$REHEARSAL_STUB_SERVER`,
      "r=$s/$$",
      `if [ -p "$s/calls" ] && [ -d /proc/$$ ] && mkfifo "$r" 2>/dev/null; then`,
      // The one call that reads stdin (a password): /proc/<pid>/fd/0 cannot reopen a socket, a file can be read.
      ...(tool === "crane" ? [`  [ "$1" != auth ] || cat >"$r.in"`] : []),
      `  printf '%s %s %s\\n' $$ ${tool} $# >"$s/calls"`,
      `  { read -r code out err; [ "$out" = 0 ] || cat; } <"$r"`,
      `  if [ "$err" = 1 ]; then cat "$r.err" >&2; rm -f "$r.err"; fi`,
      `  exit "\${code:-1}"`,
      "fi",
      `exec "${process.execPath}" "${STUB}" ${tool} "$@"`,
      "",
    ];
    writeFileSync(file, shim.join("\n"));
    chmodSync(file, 0o755);
  }
}

export interface StubServer {
  readonly dir: string;
  /** Stops the server; resolves to the number of calls it answered. */
  close(): Promise<number>;
}

/** The one Node process that answers every stub call of a rehearsal (stub.cjs --serve); ends with its stdin. */
export function startStubServer(dir: string): Promise<StubServer> {
  const child = spawn(process.execPath, [STUB, "--serve", dir], { stdio: ["pipe", "pipe", "inherit"] });
  let said = "";
  child.stdout.on("data", (chunk: Buffer) => {
    said += chunk.toString("utf8");
  });
  const exited = new Promise<number>((done) =>
    child.on("exit", () => done(Number(/answered (\d+)/.exec(said)?.[1] ?? Number.NaN))),
  );
  return new Promise((ready, failed) => {
    child.on("error", failed);
    child.on("exit", (code) => failed(new RehearsalError(`the stub server exited (${code}) before it was ready`)));
    child.stdout.once("data", () =>
      ready({
        dir,
        close: () => {
          child.stdin.end();
          return exited;
        },
      }),
    );
  });
}

/** Every CI/CD variable the project defines for its pipelines (credentials are placeholders the stubs accept). */
export function projectVariables(configs: readonly EnvironmentConfig[], gitlabUrl: string): Record<string, string> {
  const variables: Record<string, string> = {
    CI_SERVER_URL: gitlabUrl,
    CI_API_V4_URL: `${gitlabUrl}/api/v4`,
    CI_JOB_TOKEN: JOB_TOKEN,
    [NOTE_TOKEN_VARIABLE]: NOTE_TOKEN,
    CI_REGISTRY: "registry.rehearsal.test",
    CI_REGISTRY_USER: "gitlab-ci-token",
    CI_REGISTRY_PASSWORD: JOB_TOKEN,
    CI_REGISTRY_IMAGE: `registry.rehearsal.test/${company.gitlab.projectPath}`,
    // verify:<env> waits for the world's loopback targets, not for a cloud's rollout.
    RELEASE_VERIFY_TIMEOUT: "15",
    RELEASE_VERIFY_INTERVAL: "1",
    // The canary analysis bakes a second: the world's dataset is full at once.
    RELEASE_CANARY_BAKE: "1",
    RELEASE_CANARY_WAIT: "5",
    RELEASE_CANARY_INTERVAL: "1",
  };
  for (const env of configs) {
    for (const purpose of IDENTITY_PURPOSES) {
      const ids = identityVariables(env.name, purpose);
      for (const group of Object.values(ids)) {
        for (const name of Object.values(group as Record<string, string>))
          variables[name] = `rehearsal-${name.toLowerCase()}`;
      }
    }
  }
  for (const [cloud, token] of Object.entries(ID_TOKENS)) variables[token.variable] = `rehearsal-id-token-${cloud}`;
  return variables;
}

export interface Run {
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

function runGitlabCiLocal(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(GITLAB_CI_LOCAL, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.on("close", (code) => done({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

/** Paths a failed job looked for and did not find: what no earlier job wrote. */
export function missingPaths(log: string): string[] {
  const patterns = [
    /can't cd to ([^\s:]+)/g,
    /cd: ([^\s:]+): No such file or directory/g,
    /([^\s:'"]+): No such file or directory/g,
    /ENOENT: no such file or directory, \w+ '([^']+)'/g,
    /no cdk\.tf\.json in (\S+)/g,
    /no plan file (\S+)/g,
    /no publish list (\S+)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) for (const match of log.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

const sha256Pattern = /sha256:[0-9a-f]{64}/g;

/** The release digest of `build` must be the one in every target of the canary and promote stacks. */
export function digestProblems(artifacts: string, configs: readonly EnvironmentConfig[]): string[] {
  const dotenv = join(artifacts, "build", ".gitlab-ci-reports", "dotenv", "release.env");
  const plain = join(artifacts, "build", "release.env");
  const file = existsSync(dotenv) ? dotenv : plain;
  if (!existsSync(file)) return [];
  const release = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const problems: string[] = [];
  const stacks = (env: string) => [
    `cdktf.out/stacks/${env}/cdk.tf.json`,
    `cdktf.out/steps/promote/stacks/${env}/cdk.tf.json`,
  ];
  for (const env of configs) {
    for (const stack of stacks(env.name)) {
      const path = join(artifacts, "synth", stack);
      if (!existsSync(path)) {
        problems.push(`synth wrote no ${stack}`);
        continue;
      }
      const text = readFileSync(path, "utf8");
      const others = [...new Set(text.match(sha256Pattern) ?? [])].filter((d) => d !== release.IMAGE_DIGEST);
      if (others.length > 0)
        problems.push(`${stack} names ${others.join(", ")}, not the built ${release.IMAGE_DIGEST}`);
      if (!text.includes(`${release.IMAGE_DIGEST}`))
        problems.push(`${stack} does not name the built ${release.IMAGE_DIGEST}`);
      const json = JSON.parse(text) as { output?: Record<string, { value?: { id?: string; digest?: string } }> };
      const deployed = json.output?.release_deployed?.value;
      if (deployed?.id !== release.RELEASE_ID) {
        problems.push(`${stack} deploys release ${deployed?.id ?? "-"}, not the built ${release.RELEASE_ID}`);
      }
    }
  }
  return problems;
}

/** The states the stub kept in `dir` (`<kind>__<store>__<env>.json`), by environment. */
function cloudStates(dir: string): Map<string, unknown> {
  const states = new Map<string, unknown>();
  if (!existsSync(dir)) return states;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    states.set(
      file
        .replace(/\.json$/, "")
        .split("__")
        .at(-1) as string,
      JSON.parse(readFileSync(join(dir, file), "utf8")),
    );
  }
  return states;
}

/** Protected environments' state must not be read by a merge-request pipeline (its scripts come from the branch). */
function protectedStateReads(jobs: readonly JobResult[], configs: readonly EnvironmentConfig[]): string[] {
  const protectedNames = configs.filter((c) => c.protect).map((c) => c.name);
  const problems: string[] = [];
  for (const job of jobs) {
    for (const request of job.requests) {
      const match = /\/terraform\/state\/([^/]+)/.exec(request.path);
      if (match !== null && protectedNames.includes(decodeURIComponent(match[1]))) {
        problems.push(`${job.name} read the state of protected environment ${match[1]} in a merge-request pipeline`);
      }
    }
  }
  return problems;
}

interface PipelineFile {
  readonly stages: string[];
  readonly jobs: Record<string, { environment?: { name?: string; action?: string } }>;
}

function readPipelineFile(path: string): PipelineFile {
  const doc = parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const stages = [".pre", ...((doc.stages as string[] | undefined) ?? ["build", "test", "deploy"]), ".post"];
  return { stages, jobs: doc as PipelineFile["jobs"] };
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const started = Date.now();
  const progress = options.progress ?? (() => {});
  requireRsync();
  const source = resolve(options.source ?? ROOT);
  const nodeModules = resolve(options.nodeModules ?? join(ROOT, "node_modules"));
  if (!existsSync(nodeModules)) throw new RehearsalError(`${nodeModules} does not exist: run npm ci first`);
  const configs = loadConfiguration(environments, company).configs;
  const project = {
    projectId: String(company.gitlab.projectId),
    defaultBranch: company.gitlab.defaultBranch,
  };
  const kind = kindVariables(options.kind, project);
  const branches = options.branches ?? [];
  for (const branch of branches) {
    const changes = [branch.notesRefused, branch.failingOrigin, branch.failingCanary, branch.pipeline];
    if (changes.every((change) => change === undefined))
      throw new RehearsalError(`the branch from ${branch.from} changes nothing: rehearse its jobs with only instead`);
  }

  const workdir = mkdtempSync(join(tmpdir(), `rehearsal-${options.kind}-`));
  const repo = join(workdir, "repo");
  const gitlab = await startFakeGitLab({
    projectId: project.projectId,
    mergeRequestIid: Number(kind.variables.CI_MERGE_REQUEST_IID ?? "1"),
    token: NOTE_TOKEN,
    jobToken: JOB_TOKEN,
  });
  // One world for the run and its branches (the states name its URL); a branch changes what it answers.
  let failing: Pick<RehearsalOptions, "failingOrigin" | "failingCanary"> = options;
  const world = await startWorld(gitlab, {
    get failingOrigin() {
      return failing.failingOrigin;
    },
    get failingCanary() {
      return failing.failingCanary;
    },
    cloudStates: () => cloudStates(join(workdir, "cloud-state")),
  });
  // Without it (no mkfifo) the shims run stub.cjs per call: the same answers, a Node start each.
  const stubServer = await startStubServer(join(workdir, "stubs")).catch((error: Error) => {
    progress(`No stub server (${error.message}): each stub call starts Node`);
    return undefined;
  });
  try {
    return await run();
  } finally {
    await stubServer?.close();
    await world.close();
    await gitlab.close();
    if (options.keep !== true) rmSync(workdir, { recursive: true, force: true });
  }

  async function run(): Promise<RehearsalResult> {
    progress(`Cloning ${source} (HEAD) into ${repo}`);
    // --no-local: the objects arrive in one pack, as a runner's fetch leaves them. A local clone hard-links
    // the source's loose objects (a thousand files), which every job's copy of the work tree
    // (--shell-isolation's rsync, .git included) paid for again: ~0.6 CPU-s a job. --depth 20: a runner's
    // shallow fetch at GitLab's default depth for new projects (https://gitlab.com/gitlab-org/gitlab/-/merge_requests/77576);
    // packing the whole history cost ~1 CPU-s a rehearsal, and every job copies .git.
    execFileSync("git", ["clone", "--quiet", "--no-local", "--depth", "20", source, repo], { stdio: "pipe" });
    const commit = git(repo, "rev-parse", "HEAD");
    // gitlab-ci-local names the project from the remote; the default branch from origin/HEAD.
    git(repo, "remote", "set-url", "origin", `https://${company.gitlab.host}/${company.gitlab.projectPath}.git`);
    git(repo, "update-ref", `refs/remotes/origin/${project.defaultBranch}`, "HEAD");
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", `refs/remotes/origin/${project.defaultBranch}`);
    git(repo, "config", "user.name", "rehearsal");
    git(repo, "config", "user.email", "rehearsal@localhost");
    const refuseNotes = (status: number | undefined) => {
      if (status === undefined) return;
      for (let i = 0; i < 100; i++) gitlab.failures.push({ status, path: "/notes" });
    };
    refuseNotes(options.notesRefused);

    const bin = join(workdir, "bin");
    writeStubs(bin);
    const log = join(workdir, "stub-calls.jsonl");
    writeFileSync(log, "");
    const pipelineId = String(1000 + Math.floor(Math.random() * 9000));
    const realNpm = execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim();
    const childEnv: NodeJS.ProcessEnv = {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      HOME: join(workdir, "home"),
      LANG: "C.UTF-8",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      REHEARSAL_LOG: log,
      REHEARSAL_STUB_SERVER: stubServer?.dir ?? "",
      REHEARSAL_PIPELINE: pipelineId,
      REHEARSAL_WORLD: world.url,
      REHEARSAL_REGISTRY: join(workdir, "registry.json"),
      // Protected environments' state: their own cloud's store, which the stub opens only for their identities.
      REHEARSAL_CLOUD_STATE: join(workdir, "cloud-state"),
      REHEARSAL_NODE_MODULES: nodeModules,
      REHEARSAL_LOCKFILE: join(nodeModules, "..", "package-lock.json"),
      REHEARSAL_REAL_NPM: realNpm,
      npm_config_cache: join(workdir, "npm-cache"),
      npm_config_update_notifier: "false",
    };
    mkdirSync(join(workdir, "home"));

    const variables: Record<string, string> = {
      ...(kind.projectVariables
        ? { ...projectVariables(configs, gitlab.url), CLOUDFLARE_API_URL: `${world.url}${ANALYTICS_PATH}` }
        : {}),
      ...kind.variables,
      CI_PIPELINE_ID: pipelineId,
      CI_PIPELINE_IID: pipelineId,
    };
    const common = [
      "--ignore-predefined-vars",
      [...Object.keys(variables), ...kind.unset].join(","),
      ...Object.entries(variables).flatMap(([k, v]) => ["--variable", `${k}=${v}`]),
      ...kind.unset.flatMap((k) => ["--unset-variable", k]),
    ];

    // workflow:rules: gitlab-ci-local does not apply them; a probe job with the same rules says whether GitLab would.
    const committed = readFileSync(join(repo, ".gitlab-ci.yml"), "utf8");
    let pipelineFile = readPipelineFile(join(repo, ".gitlab-ci.yml"));
    const workflow = (pipelineFile.jobs as Record<string, unknown>).workflow as { rules?: unknown[] } | undefined;
    mkdirSync(join(repo, ".rehearsal"));
    // gitlab-ci-local starts a named `on_failure` job only when the failure happened in the same run. The
    // rehearsal decides from its own record (schedule.ts) that a job it needs failed, and starts such a job
    // from a copy of the file where `on_failure` reads `on_success`; nothing else differs.
    const onFailure = (text: string) =>
      writeFileSync(
        join(repo, ".rehearsal", "on-failure.yml"),
        text.replace(/^(\s+)when: on_failure$/gm, "$1when: on_success"),
      );
    onFailure(committed);
    writeFileSync(
      join(repo, ".rehearsal", "workflow.yml"),
      stringify({
        stages: ["test"],
        probe: { stage: "test", script: ["true"], rules: workflow?.rules ?? [{ when: "always" }] },
      }),
    );
    const probe = await runGitlabCiLocal(
      repo,
      ["--file", ".rehearsal/workflow.yml", "--list-json", "--no-json-schema-validation", ...common],
      childEnv,
    );
    const probed = listed(probe);
    if (probed[0]?.when === "never") {
      progress(`workflow:rules: GitLab creates no pipeline for a ${options.kind} pipeline`);
      if (branches.length > 0) throw new RehearsalError(`no ${options.kind} pipeline to branch from`);
      return result(commit, false, [], []);
    }

    // The committed file (or a branch's edit of it), validated against GitLab's CI schema, with every job's rules evaluated.
    const skip = new Set(options.skip ?? []);
    const listPipeline = async (): Promise<PlannedJob[]> =>
      listed(await runGitlabCiLocal(repo, ["--list-json", ...common], childEnv))
        .filter((j) => j.when !== "never" && !skip.has(j.name))
        .map((j) => ({
          name: j.name,
          stage: j.stage,
          when: j.when,
          allowFailure: j.allow_failure === true,
          needs: j.needs,
        }))
        .sort((a, b) => pipelineFile.stages.indexOf(a.stage) - pipelineFile.stages.indexOf(b.stage));
    let pipeline = await listPipeline();
    const committedPipeline = { file: pipelineFile, jobs: pipeline };

    /** The jobs `only` keeps (every job without it) and what each waits for. */
    function plan(only: readonly string[] | undefined): { planned: PlannedJob[]; needs: Map<string, string[]> } {
      const needs = resolveNeeds(pipeline, pipelineFile.stages);
      if (only === undefined) return { planned: pipeline, needs };
      const kept = neededBy(needs, only);
      const planned = pipeline.filter((j) => kept.has(j.name));
      return { planned, needs: resolveNeeds(planned, pipelineFile.stages) };
    }

    let main: ReturnType<typeof plan>;
    try {
      main = plan(options.only);
    } catch (error) {
      if (error instanceof PipelineError) return result(commit, true, [], [error.message]);
      throw error;
    }
    progress(`${main.planned.length} jobs in the ${options.kind} pipeline of ${commit.slice(0, 8)}`);

    const snapshots = new Map<string, Snapshot>();
    const first = await drive(
      {
        ...main,
        status: new Map(main.planned.map((j) => [j.name, j.when === "manual" ? "manual" : "pending"])),
        played: new Set(),
        results: new Map(),
        logOffset: 0,
      },
      (job, run) => {
        const from = branches.filter((b) => b.from === job);
        if (from.length === 0 || snapshots.has(job)) return;
        for (const branch of from) checkBranchPoint(branch, run);
        snapshots.set(job, takeSnapshot(job, run));
      },
    );
    const own = finish(first);
    const branchResults: RehearsalResult[] = [];
    for (const branch of branches) {
      const snapshot = snapshots.get(branch.from);
      if (snapshot === undefined) throw new RehearsalError(`the rehearsal never reached ${branch.from} to branch from`);
      restoreSnapshot(snapshot);
      failing = branch;
      refuseNotes(branch.notesRefused);
      if (branch.pipeline !== undefined) {
        // The work tree's file: gitlab-ci-local reads it, and each job's copy of the tracked files has it.
        const edited = branch.pipeline(committed);
        writeFileSync(join(repo, ".gitlab-ci.yml"), edited);
        onFailure(edited);
        pipelineFile = readPipelineFile(join(repo, ".gitlab-ci.yml"));
        pipeline = await listPipeline();
      }
      const its = plan(branch.only);
      const names = new Set(its.planned.map((j) => j.name));
      progress(`Branching before ${branch.from}: ${describeBranch(branch)}`);
      const state = await drive(
        {
          ...its,
          status: new Map(
            its.planned.map((j) => [
              j.name,
              snapshot.run.status.get(j.name) ?? (j.when === "manual" ? "manual" : "pending"),
            ]),
          ),
          played: new Set([...snapshot.run.played].filter((j) => names.has(j))),
          results: new Map(snapshot.run.results),
          logOffset: snapshot.run.logOffset,
        },
        () => {},
      );
      branchResults.push(finish(state));
      if (branch.pipeline !== undefined) {
        writeFileSync(join(repo, ".gitlab-ci.yml"), committed);
        onFailure(committed);
        ({ file: pipelineFile, jobs: pipeline } = committedPipeline);
      }
    }
    return { ...own, branches: branchResults };

    /** Runs the jobs `state` plans until none can start; `before` sees each job about to run. */
    async function drive(state: RunState, before: (job: string, state: RunState) => void): Promise<RunState> {
      const { planned, needs, status, played, results } = state;
      for (;;) {
        const next = nextStep(planned, needs, status, played);
        if (next === undefined) break;
        if (next.action === "skip") {
          status.set(next.job, "skipped");
          results.set(next.job, {
            name: next.job,
            outcome: "skipped",
            seconds: 0,
            calls: [],
            requests: [],
            reason: next.reason,
          });
          continue;
        }
        before(next.job, state);
        if (next.action === "play") played.add(next.job);
        // A saved rollback plan is stale once promote changed the state: the operator retries plan-steps first.
        const env = next.job.split(":")[1];
        if (next.action === "play" && next.job.startsWith("rollback:") && status.get(`promote:${env}`) === "success") {
          const retry = `plan-steps:${env}`;
          if (status.has(retry)) {
            const again = await runJob(state, retry);
            results.set(`${retry} (retried)`, { ...again, name: `${retry} (retried)` });
            if (again.outcome === "failed") {
              status.set(next.job, "skipped");
              results.set(next.job, {
                ...again,
                name: next.job,
                outcome: "skipped",
                seconds: 0,
                calls: [],
                requests: [],
                reason: `${retry} failed on retry`,
              });
              continue;
            }
          }
        }
        const ran = await runJob(state, next.job);
        status.set(next.job, ran.outcome as Status);
        results.set(next.job, ran);
      }
      return state;
    }

    async function runJob(state: RunState, name: string): Promise<JobResult> {
      const job = state.planned.find((j) => j.name === name) as PlannedJob;
      const environment = pipelineFile.jobs[job.name]?.environment;
      const deploys = environment?.name !== undefined && (environment.action ?? "start") === "start";
      const deployment = deploys
        ? recordDeployment(gitlab, environment.name as string, job.name, commit, pipelineId)
        : undefined;
      progress(`${job.when === "manual" ? "Playing" : "Running"} ${job.name}`);
      const requestsBefore = gitlab.requests.length;
      const queriesBefore = world.queries.length;
      const outcome = await runGitlabCiLocal(
        repo,
        [
          "--force-shell-executor",
          "--shell-isolation",
          "--no-artifacts-to-source",
          "--no-json-schema-validation",
          "--max-job-name-padding",
          "0",
          ...(job.when === "on_failure" ? ["--file", ".rehearsal/on-failure.yml"] : []),
          ...common,
          job.name,
        ],
        childEnv,
      );
      const text = readFileSync(log, "utf8");
      const calls = text
        .slice(state.logOffset)
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as StubCall)
        .filter((call) => call.job === job.name);
      state.logOffset = text.length;
      const status = jobStatus(job, outcome);
      if (deployment !== undefined) deployment.status = status === "success" ? "success" : "failed";
      writeFileSync(join(workdir, `${job.name.replace(/[^\w.-]+/g, "_")}.log`), outcome.output);
      return {
        name: job.name,
        outcome: status,
        seconds: outcome.seconds,
        calls,
        requests: gitlab.requests.slice(requestsBefore),
        analyticsQueries: world.queries.length - queriesBefore,
        logTail: status === "success" ? undefined : tail(outcome.output, 25),
      };
    }

    /** A branch starts where no job asked yet what it answers differently; else its jobs before `from` would not be these. */
    function checkBranchPoint(branch: RehearsalBranch, state: RunState): void {
      const asked = branchConflicts(branch, {
        queries: world.queries.length,
        hits: world.hits.keys(),
        requests: gitlab.requests,
      });
      if (branch.pipeline !== undefined) {
        const edited = pipelineEdits(committed, branch.pipeline(committed), state.results.keys());
        if (edited.length === 0)
          throw new RehearsalError(`the branch from ${branch.from} edits no job of the pipeline file`);
        const before = edited.filter((key) => key.startsWith("ran ") || key.startsWith("global "));
        if (before.length > 0) {
          throw new RehearsalError(
            `cannot branch before ${branch.from}: its pipeline file edits what jobs before it ran with (${before.join(", ")})`,
          );
        }
      }
      if (asked.length > 0) {
        throw new RehearsalError(
          `cannot branch before ${branch.from}: jobs before it already asked ${asked.join(", ")}, which the branch answers differently`,
        );
      }
    }

    /** What the jobs so far left: their artifacts and caches, the stubs' stores, GitLab's records. */
    function takeSnapshot(job: string, state: RunState): Snapshot {
      const dir = join(workdir, "snapshots", job.replace(/[^\w.-]+/g, "_"));
      for (const path of SNAPSHOT_PATHS) {
        if (existsSync(join(workdir, path))) cpSync(join(workdir, path), join(dir, path), { recursive: true });
      }
      return {
        dir,
        run: {
          ...state,
          status: new Map(state.status),
          played: new Set(state.played),
          results: new Map(state.results),
        },
        gitlab: copyOfGitLab(gitlab),
        requests: gitlab.requests.length,
        failures: structuredClone(gitlab.failures),
      };
    }

    function restoreSnapshot(snapshot: Snapshot): void {
      for (const path of SNAPSHOT_PATHS) {
        rmSync(join(workdir, path), { recursive: true, force: true });
        if (existsSync(join(snapshot.dir, path)))
          cpSync(join(snapshot.dir, path), join(workdir, path), { recursive: true });
      }
      truncateSync(log, snapshot.run.logOffset);
      const copy = copyOfGitLab(snapshot.gitlab);
      gitlab.notes.splice(0, Infinity, ...copy.notes);
      gitlab.issues.splice(0, Infinity, ...copy.issues);
      gitlab.deployments.splice(0, Infinity, ...copy.deployments);
      gitlab.states.clear();
      for (const [name, state] of copy.states) gitlab.states.set(name, state);
      gitlab.requests.splice(snapshot.requests);
      gitlab.failures.splice(0, Infinity, ...structuredClone(snapshot.failures));
    }

    function finish(state: RunState): RehearsalResult {
      const { planned, needs, status, results } = state;
      // In the order they ran, then those that never ran.
      const jobs: JobResult[] = [
        ...results.values(),
        ...planned
          .filter((j) => !results.has(j.name))
          .map((j) => ({
            name: j.name,
            outcome: (status.get(j.name) === "manual" ? "not played" : "waiting") as JobOutcome,
            seconds: 0,
            calls: [],
            requests: [],
            reason:
              status.get(j.name) === "manual"
                ? "manual; the operator does not play it in a rehearsal"
                : `waits for ${(needs.get(j.name) ?? []).filter((n) => status.get(n) !== "success").join(", ")}`,
          })),
      ];
      const problems: string[] = [];
      for (const job of jobs) {
        if (job.outcome !== "failed") continue;
        const missing = missingPaths(job.logTail ?? "");
        problems.push(
          `job ${job.name} failed${missing.length > 0 ? `: it reads ${missing.join(", ")}, which no earlier job wrote` : ""}`,
        );
        for (const call of job.calls.filter((c) => c.outcome === "refused")) {
          problems.push(`job ${job.name}: ${call.tool} refused: ${call.detail}`);
        }
      }
      for (const job of jobs) {
        if (job.outcome === "waiting") problems.push(`job ${job.name} never ran: it ${job.reason}`);
      }
      problems.push(...digestProblems(join(repo, ".gitlab-ci-local", "artifacts"), configs));
      if (options.kind === "merge-request" || options.kind === "fork-merge-request") {
        problems.push(...protectedStateReads(jobs, configs));
      }
      return result(commit, true, jobs, problems);
    }
  }

  function result(commit: string, pipeline: boolean, jobs: JobResult[], problems: string[]): RehearsalResult {
    return {
      kind: options.kind,
      commit,
      pipeline,
      jobs,
      problems,
      seconds: (Date.now() - started) / 1000,
      workdir,
      // A copy: a branch after this result goes on changing GitLab's records.
      gitlab: copyOfGitLab(gitlab),
      cloudStates: cloudStates(join(workdir, "cloud-state")),
      branches: [],
    };
  }
}

/** What a branch starts from, under the rehearsal's folder. */
const SNAPSHOT_PATHS = [
  "repo/.gitlab-ci-local/artifacts",
  "repo/.gitlab-ci-local/cache",
  "cloud-state",
  "registry.json",
];

interface RunState {
  readonly planned: PlannedJob[];
  readonly needs: Map<string, string[]>;
  readonly status: Map<string, Status>;
  readonly played: Set<string>;
  readonly results: Map<string, JobResult>;
  /** How much of the stub log earlier jobs wrote. */
  logOffset: number;
}

interface Snapshot {
  readonly dir: string;
  readonly run: RunState;
  readonly gitlab: GitLabRecords;
  /** How many requests GitLab had served. */
  readonly requests: number;
  readonly failures: FakeGitLab["failures"];
}

type GitLabRecords = Pick<FakeGitLab, "notes" | "issues" | "states" | "deployments">;

function copyOfGitLab(gitlab: GitLabRecords): GitLabRecords {
  return structuredClone({
    notes: gitlab.notes,
    issues: gitlab.issues,
    states: gitlab.states as Map<string, FakeState>,
    deployments: gitlab.deployments,
  });
}

/**
 * What the jobs so far asked that `branch` answers differently: the edge's signal (a failing canary),
 * the failing origin's endpoints (`<env>/<origin>` as the world counts them), the notes API. Empty when
 * the branch may start here.
 */
export function branchConflicts(
  branch: RehearsalBranch,
  asked: { readonly queries: number; readonly hits: Iterable<string>; readonly requests: readonly { path: string }[] },
): string[] {
  const conflicts: string[] = [];
  if (branch.failingCanary !== undefined && asked.queries > 0) conflicts.push("the edge's signal");
  if (branch.failingOrigin !== undefined) {
    for (const key of asked.hits) if (key.endsWith(`/${branch.failingOrigin}`)) conflicts.push(key);
  }
  if (branch.notesRefused !== undefined && asked.requests.some((r) => r.path.includes("/notes")))
    conflicts.push("the notes API");
  return conflicts;
}

/** Top-level keys `edited` changes in `committed`: a job that has not run by name, else `ran <job>` or `global <key>` (templates and keywords every job may read). */
export function pipelineEdits(committed: string, edited: string, ran: Iterable<string>): string[] {
  const before = parse(committed) as Record<string, unknown>;
  const after = parse(edited) as Record<string, unknown>;
  const done = new Set(ran);
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => {
      if (key.startsWith(".") || GLOBAL_KEYWORDS.has(key)) return `global ${key}`;
      return done.has(key) ? `ran ${key}` : key;
    });
}

/** Top-level keywords of a pipeline file that are not jobs (https://docs.gitlab.com/ci/yaml/#global-keywords). */
const GLOBAL_KEYWORDS = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "spec",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);

function describeBranch(branch: RehearsalBranch): string {
  const changes = [
    branch.failingOrigin === undefined ? undefined : `origin ${branch.failingOrigin} fails its canary's health check`,
    branch.failingCanary === undefined ? undefined : `origin ${branch.failingCanary}'s canary fails real requests`,
    branch.notesRefused === undefined ? undefined : `GitLab answers notes with ${branch.notesRefused}`,
    branch.pipeline === undefined ? undefined : "the pipeline file edited",
  ];
  return changes.filter((c) => c !== undefined).join(", ");
}

/**
 * The job's line in gitlab-ci-local's closing report: PASS, WARN (failed, allowed to) or FAIL, then the
 * name and, for a job with `coverage:`, its figure (" PASS  verify 87.77% coverage").
 */
export function jobStatus(job: PlannedJob, run: Run): Status {
  const escaped = job.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(`^\\s*(PASS|WARN|FAIL)\\s+${escaped}(\\s+\\S.*)?\\s*$`, "m").exec(run.output);
  if (line?.[1] === "PASS" && run.code === 0) return "success";
  if (line?.[1] === "WARN" && job.allowFailure) return "warning";
  return "failed";
}

interface Listed {
  readonly name: string;
  readonly stage: string;
  readonly when: string;
  readonly allow_failure?: unknown;
  readonly needs?: readonly { job: string; optional?: boolean }[];
}

function listed(run: Run): Listed[] {
  const start = run.output.indexOf("[\n");
  if (run.code !== 0 || start === -1) {
    throw new RehearsalError(
      `gitlab-ci-local could not read the pipeline (exit ${run.code}):\n${tail(run.output, 30)}`,
    );
  }
  const end = run.output.lastIndexOf("]");
  return JSON.parse(run.output.slice(start, end + 1)) as Listed[];
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function recordDeployment(gitlab: FakeGitLab, environment: string, job: string, sha: string, pipeline: string) {
  const deployment = {
    id: gitlab.deployments.length + 1,
    environment,
    sha,
    ref: company.gitlab.defaultBranch,
    status: "running" as "running" | "success" | "failed",
    deployable: { name: job, pipeline: { id: Number(pipeline) } },
  };
  gitlab.deployments.push(deployment);
  return deployment;
}
