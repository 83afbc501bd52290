/**
 * `npm run fork:check`: forks this repository the way several companies would
 * (tools/forks.ts) and proves each fork stays green. Each fork is a temporary
 * copy (node_modules linked, not copied) where only what docs/forking.md says
 * is edited: environments/company.ts, the ids in each environment file, the
 * Azure tenant in bootstrap.ts, and environments added or removed with the
 * project's own commands. Then, as its maintainer would: `npm run
 * ci:pipeline`, `npm run synth`, `npm run diagram -- --write`, the tests, and a look for this repository's
 * company values in every stack and in .gitlab-ci.yml. Forks run in parallel
 * (a pool as large as the machine's cores, at most); a table ends the run.
 * Each place in the pool copies its forks to the same path, one after the
 * other, so jest's transform cache (keyed by the path, kept in the run's own
 * folder) serves every fork after the first there.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { delimiter, join, sep } from "node:path";
import type { CompanyInput } from "../lib/config/company";
import { formatColumns } from "./columns";
import { withIds } from "./env-add";
import type { Fork, Original } from "./forks";
import { findLeftovers, leftoverPatterns } from "./leftovers";
import { npmScriptLine } from "./npm-script.cjs";

/** Test files a fork's shape can break: they read environments/ directly or through the shipped-config helpers. */
const SHAPED =
  /\.\.\/\.\.\/environments|shippedEnvironments|SHIPPED_NAMES|SHIPPED_CLOUDS|environmentsWith|everyEnvironmentHas|itWithCloud/;

/** environments/company.ts as a fork writes it. */
export function companyFile(company: CompanyInput): string {
  return `import type { CompanyInput } from "../lib/config/company";

/** Company-wide settings of this fork (written by npm run fork:check). */
export const company = ${JSON.stringify(company, null, 2)} satisfies CompanyInput;
`;
}

/** Files of the repository as git sees them (tracked and new, not ignored); every file when git is unavailable. */
function repositoryFiles(root: string): string[] {
  const git = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  // A node_modules that is a symlink is not a directory to .gitignore's `node_modules/`: each fork links its own.
  const own = (path: string) => path !== "" && path !== "node_modules" && existsSync(join(root, path));
  if (git.status === 0) return git.stdout.split("\0").filter(own);
  const skip = new Set(["node_modules", ".git", "cdktf.out", "reports", "dist", ".gen"]);
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === "" ? entry.name : join(dir, entry.name);
      if (skip.has(entry.name)) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk("");
}

/** The environment keys of a copy's environments/index.ts, read as text (the copy is not importable here). */
export function listedEnvironments(index: string): string[] {
  const list = /export const environments = \{([^}]*)\}/.exec(index)?.[1] ?? "";
  return list
    .split(",")
    .map((entry) => entry.trim().split(":")[0].replaceAll('"', ""))
    .filter((name) => name !== "");
}

/** Edits the copy's environments/ as docs/forking.md says: company.ts, ids per environment, tenant, Cloudflare blocks. */
export function editEnvironments(copy: string, fork: Fork): void {
  writeFileSync(join(copy, "environments", "company.ts"), companyFile(fork.company));
  const index = readFileSync(join(copy, "environments", "index.ts"), "utf8");
  for (const name of listedEnvironments(index)) {
    const path = join("environments", `${name}.ts`);
    let text = withIds(readFileSync(join(copy, path), "utf8"), fork.ids(name), path);
    const cloudflare = fork.cloudflare?.[name];
    if (cloudflare !== undefined) {
      text = text.replace(/(\n(\s*)name: "[^"]*",\n)/, `$1$2cloudflare: ${JSON.stringify(cloudflare)},\n`);
    }
    writeFileSync(join(copy, path), text);
  }
  if (fork.company.clouds.includes("azure")) {
    const path = join(copy, "environments", "bootstrap.ts");
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace(/(tenantId: )"[^"]*"/, `$1${JSON.stringify(fork.azureTenant)}`),
    );
  }
}

/** One fork's outcome, for the table. */
export interface ForkResult {
  readonly fork: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly tests: string;
  /** Why it failed: the step, or the leftovers and missing names found. */
  readonly problems: readonly string[];
  readonly log: string;
}

interface Step {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the fork's environment for this step. */
  readonly env?: NodeJS.ProcessEnv;
  /** `command` is a shell command line (an npm script's). */
  readonly shell?: boolean;
}

/** Runs one step, appending its output to `log`; resolves to its exit code. */
function runStep(step: Step, cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<number> {
  return new Promise((resolve) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`\n$ ${[step.command, ...step.args].join(" ")}\n`);
    const child = spawn(step.command, [...step.args], {
      cwd,
      env: { ...env, ...step.env },
      stdio: ["ignore", "pipe", "pipe"],
      shell: step.shell === true,
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const started = Date.now();
    child.on("close", (code, signal) => {
      // Each step's time, to see where a fork's seconds go.
      out.end(`[${step.label}: ${((Date.now() - started) / 1000).toFixed(1)} s]\n`, () =>
        resolve(code ?? (signal === null ? 1 : 128)),
      );
    });
    child.on("error", (error) => {
      out.end(`${error.message}\n`, () => resolve(127));
    });
  });
}

/** What the fork's outputs must and must not hold, once its steps passed. */
export function outputProblems(copy: string, fork: Fork, original: Original): string[] {
  const problems: string[] = [];
  const index = listedEnvironments(readFileSync(join(copy, "environments", "index.ts"), "utf8"));
  if (index.join(",") !== fork.environments.join(",")) {
    problems.push(`environments/index.ts lists ${index.join(", ")}; expected ${fork.environments.join(", ")}`);
  }
  const stacks = readdirSync(join(copy, "cdktf.out", "stacks")).sort();
  const expected = [...fork.environments, "bootstrap"].sort();
  if (stacks.join(",") !== expected.join(","))
    problems.push(`stacks are ${stacks.join(", ")}; expected ${expected.join(", ")}`);
  // The original's values in every form only a leftover takes, with the names of both sets of environments.
  const names = [...new Set([...original.environments.map((env) => env.name), ...fork.environments])];
  const patterns = leftoverPatterns(original.company, names);
  const outputs = [...stacks.map((stack) => join("cdktf.out", "stacks", stack, "cdk.tf.json")), ".gitlab-ci.yml"];
  for (const path of outputs) {
    const text = readFileSync(join(copy, path), "utf8");
    const json = path.endsWith(".json") ? JSON.stringify(JSON.parse(text), null, 1) : text;
    problems.push(
      ...findLeftovers(path, json, patterns)
        .slice(0, 5)
        .map((line) => `leftover ${line}`),
    );
    if (path.endsWith(".json") && !path.includes("bootstrap") && !text.includes(`${fork.company.service}-`)) {
      problems.push(`${path} names nothing after the fork's service "${fork.company.service}"`);
    }
  }
  const pipeline = readFileSync(join(copy, ".gitlab-ci.yml"), "utf8");
  for (const name of fork.environments) {
    if (!pipeline.includes(`plan:${name}:`) && !pipeline.includes(`deploy:${name}:`)) {
      problems.push(`.gitlab-ci.yml has no job for ${name}`);
    }
  }
  for (const gone of original.environments.map((env) => env.name).filter((n) => !fork.environments.includes(n))) {
    if (new RegExp(`^[a-z-]+:${gone}:`, "m").test(pipeline)) problems.push(`.gitlab-ci.yml still has jobs for ${gone}`);
  }
  const bootstrap = readFileSync(join(copy, "cdktf.out", "stacks", "bootstrap", "cdk.tf.json"), "utf8");
  if (!bootstrap.includes(fork.company.gitlab.projectPath)) {
    problems.push(`the bootstrap stack does not trust ${fork.company.gitlab.projectPath}`);
  }
  return problems;
}

export interface ForkCheckOptions {
  readonly root: string;
  readonly original: Original;
  readonly forks: readonly Fork[];
  /** Forks run at a time. */
  readonly jobs: number;
  readonly keep?: boolean;
  readonly log: (message: string) => void;
}

/**
 * Forks, edits, runs and checks one company in `copy` (a path the fork's pool slot reuses);
 * never throws for a failing fork.
 */
async function checkFork(
  fork: Fork,
  options: ForkCheckOptions,
  base: string,
  copy: string,
  workers: () => number,
): Promise<ForkResult> {
  const started = Date.now();
  const log = join(base, `${fork.name}.log`);
  writeFileSync(log, `fork ${fork.name}: ${fork.about}\n`);
  const done = (problems: string[]): ForkResult => ({
    fork: fork.name,
    ok: problems.length === 0,
    seconds: Math.round((Date.now() - started) / 1000),
    tests: fork.tests,
    problems,
    log,
  });
  try {
    for (const path of repositoryFiles(options.root)) {
      cpSync(join(options.root, path), join(copy, path), { recursive: true });
    }
    symlinkSync(join(options.root, "node_modules"), join(copy, "node_modules"), "dir");
    editEnvironments(copy, fork);
  } catch (error) {
    return done([`editing the copy: ${(error as Error).message}`]);
  }
  // The copy's own tools, as its maintainer runs them; CHECKPOINT_DISABLE keeps cdktf offline.
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  for (const name of [
    "CDKTF_OUTDIR",
    "RELEASE_ID",
    "IMAGE_DIGEST",
    "RELEASE_STEP",
    "RELEASE_EXTRA_STEPS",
    "RELEASE_STABLE_DIR",
  ]) {
    delete env[name];
  }
  // `npm run <script>` as npm runs it: the copy's own script line in a shell, the copy's node_modules/.bin
  // first on PATH, without npm's own start-up (about 0.35 CPU seconds a call, some 30 calls a default run).
  const scripts = (JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as { scripts?: Record<string, string> })
    .scripts;
  const path = { PATH: [join(copy, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter) };
  const npm = (label: string, ...argv: string[]): Step => {
    const line = npmScriptLine(scripts ?? {}, argv);
    // A script the copy lacks fails as npm would: npm says which.
    if (line === undefined) return { label, command: "npm", args: ["run", "--silent", ...argv] };
    return { label: `npm run ${label}`, command: line, args: [], shell: true, env: path };
  };
  // What `npx <tool>` runs, without npx's own start-up (about 0.5 CPU seconds a call).
  const bin = (tool: string) => join("node_modules", ".bin", tool);
  const steps: Step[] = [
    // The files as their author saves them: formatted like the rest of the repository.
    { label: "format environments/", command: bin("biome"), args: ["format", "--write", "environments"] },
    ...fork.commands.map((argv) => npm(argv.filter((a) => a !== "--").join(" "), ...argv)),
    npm("ci:pipeline", "ci:pipeline"),
    npm("synth", "synth"),
    npm("diagram --write", "diagram", "--", "--write"),
    // One thread: the same check for less CPU when forks share the cores (tsc's parallel checkers each redo shared types).
    npm("typecheck", "typecheck", "--", "--singleThreaded"),
    npm("lint", "lint"),
  ];
  for (const step of steps) {
    const code = await runStep(step, copy, env, log);
    if (code !== 0) return done([`${step.label} failed (exit ${code})`]);
  }
  const tests =
    fork.tests === "full"
      ? []
      : readdirSync(join(copy, "__tests__"), { recursive: true, encoding: "utf8" })
          // The journeys are their own tier (npm run test:journeys), not part of the fast tier a fork runs.
          .filter((path) => path.endsWith(".test.ts") && !path.startsWith(`journeys${sep}`))
          .filter((path) => SHAPED.test(readFileSync(join(copy, "__tests__", path), "utf8")))
          .map((path) => join("__tests__", path))
          .sort();
  // Workers now, not at the start: the last forks get the cores the finished ones left.
  const jest: Step = {
    label: fork.tests === "full" ? "jest (every test)" : `jest (${tests.length} shaped test files)`,
    command: bin("jest"),
    // The fast tier's grouping (jest.fast.config.js: a few suites for all folders); a shaped fork's files via FAST_TESTS.
    // One transform cache for the run, removed with it: the forks of one slot share a path, so the cache's
    // keys (the file's content, the config, hence the path) match for every unchanged file after the first fork.
    args: [
      "-c",
      "jest.fast.config.js",
      "--ci",
      `--maxWorkers=${workers()}`,
      `--cacheDirectory=${join(base, "jest-cache")}`,
    ],
    env: fork.tests === "full" ? {} : { FAST_TESTS: tests.join(",") },
  };
  const code = await runStep(jest, copy, env, log);
  if (code !== 0) return done([`${jest.label} failed (exit ${code})`]);
  try {
    return done(outputProblems(copy, fork, options.original));
  } catch (error) {
    return done([`checking the outputs: ${(error as Error).message}`]);
  }
}

/** The last lines of a log, indented, for a failed fork. */
function tail(path: string, lines = 40): string {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  return text
    .trimEnd()
    .split("\n")
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join("\n");
}

/** The result table: fork, result, seconds, what it ran. */
export function formatTable(results: readonly ForkResult[]): string {
  const rows = [
    ["fork", "result", "seconds", "tests"],
    ...results.map((r) => [r.fork, r.ok ? "green" : "FAILED", String(r.seconds), r.tests]),
  ];
  return formatColumns(rows);
}

/** The default pool: one fork per core, at most two (each fork's jest uses the cores left). */
export function defaultJobs(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * How much a fork has to synthesize and test, to order the pool: its stacks times its
 * clouds (synth and the shaped tests construct every environment's resources per cloud).
 */
export function forkWeight(fork: Fork): number {
  return fork.environments.length * fork.company.clouds.length;
}

/**
 * The order forks start in: full forks first (about 2.5 times a shaped fork's CPU,
 * tools/forks.ts), each group heaviest first (forkWeight; matrix order among equals).
 * Longest first keeps the pool's last minutes from being a long fork running alone
 * on a machine with a core idle.
 */
export function startOrder(forks: readonly Fork[]): Fork[] {
  const heaviestFirst = (group: Fork[]) => group.sort((a, b) => forkWeight(b) - forkWeight(a));
  return [
    ...heaviestFirst(forks.filter((fork) => fork.tests === "full")),
    ...heaviestFirst(forks.filter((fork) => fork.tests !== "full")),
  ];
}

/**
 * Jest workers for a fork whose tests start while `running` forks (itself included) are in
 * progress: the cores shared among them. The pool refills a freed slot at once, so fewer
 * forks run only once the queue is empty: the last fork's jest then gets the cores the
 * others left instead of leaving them idle.
 */
export function jestWorkers(cores: number, running: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, running)));
}

/** @returns the exit code */
export async function forkCheck(options: ForkCheckOptions): Promise<number> {
  const base = mkdtempSync(join(tmpdir(), "fork-check-"));
  const log = options.log;
  const jobs = Math.max(1, Math.min(options.jobs, options.forks.length));
  const cores = availableParallelism();
  log(
    `fork:check: ${options.forks.length} forks in ${base}, ${jobs} at a time (jest: ${jestWorkers(cores, jobs)} worker(s) each while ${jobs} run)`,
  );
  const results: ForkResult[] = [];
  const queue = startOrder(options.forks);
  const started = Date.now();
  let running = 0;
  const workers = () => jestWorkers(cores, running);
  try {
    await Promise.all(
      Array.from({ length: jobs }, async (_, slot) => {
        const copy = join(base, `slot-${slot + 1}`);
        for (let fork = queue.shift(); fork !== undefined; fork = queue.shift()) {
          log(`fork:check: ${fork.name}: started (${fork.about})`);
          running += 1;
          const result = await checkFork(fork, options, base, copy, workers).finally(() => {
            running -= 1;
            // The slot's path is free for the next fork: --keep keeps this one under its own name.
            if (options.keep && existsSync(copy)) renameSync(copy, join(base, fork.name));
            else rmSync(copy, { recursive: true, force: true });
          });
          results.push(result);
          log(`fork:check: ${fork.name}: ${result.ok ? "green" : "FAILED"} in ${result.seconds} s`);
          if (!result.ok) {
            log(`  ${result.problems.join("\n  ")}\n  last lines of ${result.log}:\n${tail(result.log)}`);
          }
        }
      }),
    );
    const order = options.forks.map((fork) => fork.name);
    results.sort((a, b) => order.indexOf(a.fork) - order.indexOf(b.fork));
    log(`\n${formatTable(results)}\n`);
    const failed = results.filter((r) => !r.ok).length;
    const seconds = Math.round((Date.now() - started) / 1000);
    log(
      failed === 0
        ? `fork:check: all ${results.length} forks are green (${seconds} s)`
        : `fork:check: ${failed} of ${results.length} forks FAILED (${seconds} s)`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    if (options.keep) log(`fork:check: kept ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
}

/** `--list`: each fork, what it changes, and what it runs. */
export function formatList(forks: readonly Fork[]): string {
  const width = Math.max(...forks.map((fork) => fork.name.length));
  return forks.map((fork) => `${fork.name.padEnd(width)}  ${fork.tests.padEnd(6)}  ${fork.about}`).join("\n");
}
