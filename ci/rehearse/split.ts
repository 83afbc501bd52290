/**
 * The split pipeline's rehearsal (`npm run ci:rehearse -- <kind>
 * --environments 60`): a clean clone of HEAD whose environments/index.ts
 * lists generated environments (lib/config/generated.ts), `.gitlab-ci.yml`
 * regenerated there by `npm run ci:pipeline`, then the files as GitLab reads
 * them: gitlab-ci-local validates the parent against GitLab's CI schema and
 * evaluates its rules for the kind; the `pipelines` job's script writes the
 * child files; each child is read with the variables its trigger job passes
 * (CI_PIPELINE_SOURCE=parent_pipeline, the parent's as PARENT_*).
 *
 * What it does not run: the children's jobs. gitlab-ci-local runs a child
 * pipeline, but ignores `needs: pipeline:` (the synth artifacts a child's
 * plan takes from the parent), so each child's jobs would start without the
 * stacks; the jobs themselves are those the single-pipeline rehearsal runs,
 * and __tests__/ci/children.test.ts holds them equal to the single pipeline's.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { company } from "../../environments";
import { generatedName } from "../../lib/config/generated";
import {
  CHILD_PIPELINE_THRESHOLD,
  CHILD_PIPELINES_DIR,
  CHILD_PIPELINES_JOB,
  ENVIRONMENTS_PER_CHILD,
  FORWARDED,
  PARENT_PIPELINE_ID,
  parentVariable,
} from "../pipeline/children";
import { type Kind, kindVariables } from "./kinds";
import { RehearsalError } from "./rehearse";

const GITLAB_CI_LOCAL = join(REPOSITORY_ROOT, "node_modules", ".bin", "gitlab-ci-local");

export interface ListedJob {
  readonly name: string;
  readonly when: string;
}

export interface SplitRehearsal {
  readonly kind: Kind;
  /** Jobs of the parent pipeline and whether GitLab would run them for the kind. */
  readonly parent: readonly ListedJob[];
  /** Each child pipeline file (by name) with its jobs as GitLab would plan them. */
  readonly children: Readonly<Record<string, readonly ListedJob[]>>;
  readonly problems: readonly string[];
  readonly seconds: number;
}

/** The jobs of `file` with their rules evaluated; `validate`: against GitLab's CI schema too (about 0.5-1 CPU-s). */
function listJobs(cwd: string, file: string, variables: Record<string, string>, validate: boolean): ListedJob[] {
  const args = [
    "--file",
    file,
    "--list-json",
    ...(validate ? [] : ["--no-json-schema-validation"]),
    "--ignore-predefined-vars",
    Object.keys(variables).join(","),
    ...Object.entries(variables).flatMap(([k, v]) => ["--variable", `${k}=${v}`]),
  ];
  const output = execFileSync(GITLAB_CI_LOCAL, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // stderr: its notes on every `needs: pipeline:` it ignores.
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const listed = JSON.parse(output.slice(output.indexOf("[\n"), output.lastIndexOf("]") + 1)) as ListedJob[];
  return listed.map(({ name, when }) => ({ name, when }));
}

/** environments/index.ts of the clone: `count` copies of the first shipped environment. */
function generatedIndex(count: number): string {
  return [
    'import { generatedEnvironmentFiles } from "../lib/config/generated";',
    'import { environments as shipped } from "./shipped";',
    "",
    'export { company } from "./company";',
    "",
    `export const environments = generatedEnvironmentFiles(Object.values(shipped)[0], ${count});`,
    "",
  ].join("\n");
}

/**
 * A clean clone of HEAD with `count` generated environments and its
 * `.gitlab-ci.yml` regenerated: what every kind's rehearsal reads. Neither
 * the parent file nor the child files the `pipelines` job writes depend on
 * the kind (the job's script takes no kind variable), so one clone serves
 * every kind (`rehearse`), and `close` removes it. The schema is checked
 * the first time a file is read (it does not depend on the variables either).
 */
export interface SplitClone {
  readonly count: number;
  rehearse(kind: Kind): SplitRehearsal;
  close(): void;
}

export function cloneForSplit(count: number): SplitClone {
  if (count <= CHILD_PIPELINE_THRESHOLD) {
    throw new RehearsalError(
      `--environments must be more than ${CHILD_PIPELINE_THRESHOLD} (CHILD_PIPELINE_THRESHOLD), not ${count}`,
    );
  }
  const workdir = mkdtempSync(join(tmpdir(), "rehearsal-split-"));
  const repo = join(workdir, "repo");
  const close = () => rmSync(workdir, { recursive: true, force: true });
  try {
    execFileSync("git", ["clone", "--quiet", REPOSITORY_ROOT, repo], { stdio: "pipe" });
    symlinkSync(join(REPOSITORY_ROOT, "node_modules"), join(repo, "node_modules"));
    // The shipped list moves aside; the first environment it lists is the template of every generated one.
    renameSync(join(repo, "environments", "index.ts"), join(repo, "environments", "shipped.ts"));
    writeFileSync(join(repo, "environments", "index.ts"), generatedIndex(count));
    execFileSync("npm", ["run", "--silent", "ci:pipeline"], { cwd: repo, stdio: "pipe" });
    execFileSync(
      "git",
      ["remote", "set-url", "origin", `https://${company.gitlab.host}/${company.gitlab.projectPath}.git`],
      {
        cwd: repo,
      },
    );
  } catch (error) {
    close();
    throw error;
  }
  let childrenWritten = false;
  const validated = new Set<string>();
  const list = (file: string, variables: Record<string, string>) => {
    const jobs = listJobs(repo, file, variables, !validated.has(file));
    validated.add(file);
    return jobs;
  };
  /** The generator job's own script, as the job runs it; once per clone (its output takes no kind variable). */
  const writeChildren = () => {
    if (childrenWritten) return;
    const pipeline = parse(readFileSync(join(repo, ".gitlab-ci.yml"), "utf8")) as Record<string, { script?: string[] }>;
    for (const line of pipeline[CHILD_PIPELINES_JOB].script ?? [])
      execFileSync("sh", ["-c", line], { cwd: repo, stdio: "pipe" });
    childrenWritten = true;
  };
  return { count, rehearse: (kind) => rehearseIn(repo, count, kind, list, writeChildren), close };
}

function rehearseIn(
  repo: string,
  count: number,
  kind: Kind,
  list: (file: string, variables: Record<string, string>) => ListedJob[],
  writeChildren: () => void,
): SplitRehearsal {
  const started = Date.now();
  const project = { projectId: String(company.gitlab.projectId), defaultBranch: company.gitlab.defaultBranch };
  const { variables } = kindVariables(kind, project);
  const parentJobs = list(".gitlab-ci.yml", { ...variables });
  const problems: string[] = [];
  const planned = new Set(parentJobs.filter((j) => j.when !== "never").map((j) => j.name));
  const triggers = parentJobs.filter((j) => j.name.startsWith("environments:"));
  const expectedGroups = Math.ceil(count / ENVIRONMENTS_PER_CHILD);
  if (triggers.length !== expectedGroups)
    problems.push(`parent has ${triggers.length} trigger jobs, not ${expectedGroups}`);

  const children: Record<string, ListedJob[]> = {};
  if (planned.has(CHILD_PIPELINES_JOB)) {
    writeChildren();
    const childVariables: Record<string, string> = {
      ...variables,
      CI_PIPELINE_SOURCE: "parent_pipeline",
      [PARENT_PIPELINE_ID]: "1000",
      ...Object.fromEntries(FORWARDED.map((name) => [parentVariable(name), variables[name] ?? ""])),
    };
    for (const file of readdirSync(join(repo, CHILD_PIPELINES_DIR)).sort()) {
      children[file] = list(join(CHILD_PIPELINES_DIR, file), childVariables);
    }
    const inChildren = Object.values(children).flat();
    for (let i = 0; i < count; i++) {
      const name = generatedName(i);
      if (!inChildren.some((job) => job.name.endsWith(`:${name}`) && job.when !== "never")) {
        problems.push(`no child pipeline runs a job of ${name} in a ${kind} pipeline`);
      }
    }
  }
  return { kind, parent: parentJobs, children, problems, seconds: (Date.now() - started) / 1000 };
}

/** One kind's rehearsal in a clone of its own (`npm run ci:rehearse -- <kind> --environments <n>`). */
export async function rehearseSplit(kind: Kind, count: number): Promise<SplitRehearsal> {
  const started = Date.now();
  const clone = cloneForSplit(count);
  try {
    return { ...clone.rehearse(kind), seconds: (Date.now() - started) / 1000 };
  } finally {
    clone.close();
  }
}
