/**
 * What the pipeline rehearsal journeys share (rehearsal-*.test.ts): running
 * one kind without `verify` (the test suite itself, which these tests are
 * part of), a broken commit to rehearse, and reading a result. The scenarios
 * are split over several files so jest's workers run two rehearsals side by
 * side (one per core) instead of one file running them all in a row; those
 * that differ from a whole rehearsal only in what the world or GitLab answers,
 * or in jobs of the pipeline file that have not run yet, are its branches, in
 * its file (`branches`: the jobs before run once).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RehearsalOptions, type RehearsalResult, rehearse } from "../../../ci/rehearse/rehearse";

const ROOT = resolve(__dirname, "..", "..", "..");

/** Per scenario: a default-branch rehearsal takes about a minute on a quiet machine, far more under load. */
export const TIMEOUT = 15 * 60_000;

/** Rehearses `kind` of this repository's HEAD (or of `source`), `verify` left out. */
export function run(options: Partial<RehearsalOptions> & Pick<RehearsalOptions, "kind">): Promise<RehearsalResult> {
  return rehearse({ skip: ["verify"], nodeModules: join(ROOT, "node_modules"), ...options });
}

export const outcome = (result: RehearsalResult, job: string) => result.jobs.find((j) => j.name === job)?.outcome;

/** What the last apply to the environment's state deployed (its `release_deployed` output). */
export function deployedTo(result: RehearsalResult, environment: string): { id?: string; step?: string } {
  // A protected environment's state is in its own cloud (backend `cloud`), the others' in GitLab.
  const state = (result.cloudStates.get(environment) ?? result.gitlab.states.get(environment)?.state) as
    | { outputs?: Record<string, { value?: unknown }> }
    | undefined;
  return (state?.outputs?.release_deployed?.value ?? {}) as { id?: string; step?: string };
}

const clones: string[] = [];

/** Removes the broken commits' clones; call from afterAll. */
export function removeClones(): void {
  for (const dir of clones.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A clone of HEAD with `edit` applied to one file and committed: the broken commit the rehearsal clones in turn. */
export function brokenCommit(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "rehearsal-broken-"));
  clones.push(dir);
  execFileSync("git", ["clone", "--quiet", ROOT, dir]);
  const path = join(dir, file);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", `break ${file}`], { cwd: dir });
  return dir;
}
