/**
 * The pipeline rehearsal (`npm run ci:rehearse`) end to end: the committed
 * pipeline passes each kind, and breaking one handoff at a time in a commit
 * (a mkdir synth needs, a TF_ROOT, a failing canary, a GitLab that refuses
 * notes) makes it fail, naming the job. `verify` (the test suite itself) is
 * left out: this test is part of it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { noteMarker } from "../../ci/plan/render";
import { type RehearsalOptions, type RehearsalResult, rehearse } from "../../ci/rehearse/rehearse";
import { shippedEnvironments } from "../helpers/environments";

const ROOT = resolve(__dirname, "..", "..");
const configs = shippedEnvironments();
const TIMEOUT = 15 * 60_000;
const clones: string[] = [];

afterAll(() => {
  for (const dir of clones) rmSync(dir, { recursive: true, force: true });
});

/** A clone of HEAD with `edit` applied to one file and committed: the broken commit the rehearsal clones in turn. */
function brokenCommit(file: string, edit: (text: string) => string): string {
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

function run(options: Partial<RehearsalOptions> & Pick<RehearsalOptions, "kind">): Promise<RehearsalResult> {
  return rehearse({ skip: ["verify"], nodeModules: join(ROOT, "node_modules"), ...options });
}

const outcome = (result: RehearsalResult, job: string) => result.jobs.find((j) => j.name === job)?.outcome;

/** What the last apply to the environment's state deployed (its `release_deployed` output). */
function deployedTo(result: RehearsalResult, environment: string): { id?: string; step?: string } {
  // A protected environment's state is in its own cloud (backend `cloud`), the others' in GitLab.
  const state = (result.cloudStates.get(environment) ?? result.gitlab.states.get(environment)?.state) as
    | { outputs?: Record<string, { value?: unknown }> }
    | undefined;
  return (state?.outputs?.release_deployed?.value ?? {}) as { id?: string; step?: string };
}

describe("pipeline rehearsal", () => {
  it(
    "merge request: builds, synthesizes, validates, plans and posts one note per planned environment",
    async () => {
      const result = await run({ kind: "merge-request" });
      expect(result.problems).toEqual([]);
      const planned = configs.filter((env) => !env.protect);
      for (const env of planned) {
        expect(outcome(result, `plan:${env.name}`)).toBe("success");
        expect(result.gitlab.notes.filter((n) => n.body.startsWith(noteMarker(env.name)))).toHaveLength(1);
      }
      for (const env of configs.filter((e) => e.protect)) {
        expect(result.jobs.map((j) => j.name)).not.toContain(`plan:${env.name}`);
      }
      expect(result.gitlab.notes).toHaveLength(planned.length);
    },
    TIMEOUT,
  );

  it(
    "merge request with GitLab refusing notes (403): each note job fails, naming itself",
    async () => {
      const result = await run({ kind: "merge-request", notesRefused: 403 });
      for (const env of configs.filter((e) => !e.protect)) {
        expect(outcome(result, `plan-comment:${env.name}`)).toBe("failed");
        expect(result.problems).toContain(`job plan-comment:${env.name} failed`);
      }
      expect(result.gitlab.notes).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "default branch: build to promote and rollback for every environment, each apply of a saved plan of this pipeline",
    async () => {
      const result = await run({ kind: "default-branch" });
      expect(result.problems).toEqual([]);
      for (const env of configs) {
        for (const job of ["publish", "plan", "deploy", "verify", "plan-steps", "plan-steps-note", "rollback"]) {
          expect([job, outcome(result, `${job}:${env.name}`)]).toEqual([job, "success"]);
        }
        expect(outcome(result, `promote:${env.name}`)).toBe(env.canaryPercent > 0 ? "success" : undefined);
        expect(outcome(result, `auto-rollback:${env.name}`)).toBe("skipped");
        // A canary is judged by the edge's signal for the new release before it is promoted.
        const queries = result.jobs.find((j) => j.name === `verify:${env.name}`)?.analyticsQueries ?? 0;
        expect([env.name, queries > 0]).toEqual([env.name, env.canaryPercent > 0]);
        // Every apply took a plan file; the stub refuses any other.
        const applies = result.jobs.flatMap((j) => j.calls).filter((c) => c.tool === "tofu" && c.args[0] === "apply");
        expect(applies.every((c) => c.outcome === "ok")).toBe(true);
        const deployed = deployedTo(result, env.name);
        expect(deployed).toEqual(expect.objectContaining({ id: result.commit, step: "rollback" }));
      }
    },
    TIMEOUT,
  );

  it(
    "fails naming synth when the synth of the steps no longer creates their parent folder",
    async () => {
      const source = brokenCommit("main.ts", (text) => text.replace(/^ *if \(i === 1\) mkdirSync\(.*\n/m, ""));
      const result = await run({ kind: "default-branch", source });
      expect(outcome(result, "synth")).toBe("failed");
      expect(result.problems[0]).toMatch(/^job synth failed: it reads .*cdktf\.out\/steps\/promote\.tmp-\d+/);
    },
    TIMEOUT,
  );

  it(
    "fails naming the jobs when a rollout step's TF_ROOT is not where synth writes",
    async () => {
      const env = configs[0].name;
      const source = brokenCommit(".gitlab-ci.yml", (text) =>
        text.replaceAll(`cdktf.out/steps/rollback/stacks/${env}`, `cdktf.out/steps/rollback/cdktf.out/stacks/${env}`),
      );
      const result = await run({ kind: "default-branch", source });
      expect(outcome(result, `plan-steps:${env}`)).toBe("failed");
      expect(result.problems).toContainEqual(
        expect.stringMatching(
          new RegExp(`^job plan-steps:${env} failed: it reads .*steps/rollback/cdktf\\.out/stacks/${env}`),
        ),
      );
    },
    TIMEOUT,
  );

  it(
    "a failing canary fails verify, the rollback runs on its own, and the environments after it are not deployed",
    async () => {
      // The origin fails in every environment: the first in promotion order fails verify and stops the rest.
      const [env, next] = configs;
      const result = await run({ kind: "default-branch", failingOrigin: "aws.function" });
      expect(outcome(result, `verify:${env.name}`)).toBe("failed");
      expect(outcome(result, `auto-rollback:${env.name}`)).toBe("success");
      expect(outcome(result, `promote:${env.name}`)).toBe(env.canaryPercent > 0 ? "skipped" : undefined);
      expect(result.problems).toContain(`job verify:${env.name} failed`);
      const deployed = deployedTo(result, env.name);
      expect(deployed.step).toBe("rollback");
      // Promotion order: the next environment's deploy is skipped, not playable.
      if (next !== undefined) expect(outcome(result, `deploy:${next.name}`)).toBe("skipped");
    },
    TIMEOUT,
  );

  it(
    "a canary that answers its probes but fails real requests fails verify's canary analysis, and the rollback runs on its own",
    async () => {
      const env = configs.find((e) => e.canaryPercent > 0 && e.deploy.gate !== "manual") ?? configs[0];
      const [origin] = Object.entries(env.weights).find(([, weight]) => (weight ?? 0) > 0) ?? ["aws.function"];
      const result = await run({ kind: "default-branch", failingCanary: origin });
      expect(outcome(result, `verify:${env.name}`)).toBe("failed");
      expect(outcome(result, `auto-rollback:${env.name}`)).toBe("success");
      expect(outcome(result, `promote:${env.name}`)).toBe("skipped");
      expect(result.problems).toContain(`job verify:${env.name} failed`);
      // The probes passed; the analysis failed it, with the table of what the edge saw.
      const log = result.jobs.find((j) => j.name === `verify:${env.name}`)?.logTail ?? "";
      expect(log).toMatch(new RegExp(`${origin.replace(".", "\\.")} .* FAIL: failure rate `));
      expect(log).toContain(
        `canary of release ${result.commit} on ${env.name} failed: the new release fails on ${origin}`,
      );
      expect(deployedTo(result, env.name).step).toBe("rollback");
    },
    TIMEOUT,
  );

  it.each(["schedule", "fork-merge-request", "tag"] as const)(
    "%s: passes",
    async (kind) => {
      const result = await run({ kind });
      expect(result.problems).toEqual([]);
      if (kind === "tag") expect(result.pipeline).toBe(false);
      if (kind === "fork-merge-request") {
        expect(outcome(result, "fork-notice")).toBe("success");
        expect(result.gitlab.states.size).toBe(0);
      }
    },
    TIMEOUT,
  );
});
