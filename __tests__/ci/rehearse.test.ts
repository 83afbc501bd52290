/**
 * The pure parts of the pipeline rehearsal (ci/rehearse/): the order GitLab
 * runs jobs in, the variables of each kind of pipeline, what a failed job's
 * log says it missed, the command line. The rehearsal itself runs in
 * __tests__/journeys/rehearsal-*.test.ts.
 */

import { startFakeGitLab } from "../../ci/rehearse/fake-gitlab";
import { KINDS, kindVariables, REHEARSAL_FORK_PROJECT_ID } from "../../ci/rehearse/kinds";
import { rehearseCommand } from "../../ci/rehearse/main";
import { jobStatus, missingPaths } from "../../ci/rehearse/rehearse";
import { nextStep, PipelineError, type PlannedJob, resolveNeeds, type Status } from "../../ci/rehearse/schedule";
import { ANALYTICS_PATH, startWorld, WORLD_SIGNAL } from "../../ci/rehearse/world";
import { edgeDatasetName, failureRateSql, parseSignal } from "../../lib/edge/signal";
import { captureIo, runCommand } from "../../tools/command";

const STAGES = ["build", "deploy", "check", "release"];

function job(name: string, stage: string, when = "on_success", needs?: string[]): PlannedJob {
  return { name, stage, when, allowFailure: when === "manual", needs: needs?.map((n) => ({ job: n })) };
}

/** Runs the schedule to the end with `results` deciding each job's outcome; returns the steps taken. */
function walk(jobs: PlannedJob[], results: Record<string, Status> = {}): string[] {
  const needs = resolveNeeds(jobs, STAGES);
  const status = new Map<string, Status>(jobs.map((j) => [j.name, j.when === "manual" ? "manual" : "pending"]));
  const played = new Set<string>();
  const steps: string[] = [];
  for (
    let next = nextStep(jobs, needs, status, played);
    next !== undefined;
    next = nextStep(jobs, needs, status, played)
  ) {
    steps.push(`${next.action} ${next.job}`);
    if (next.action === "play") played.add(next.job);
    status.set(next.job, next.action === "skip" ? "skipped" : (results[next.job] ?? "success"));
  }
  return steps;
}

const release = [
  job("build", "build"),
  job("deploy:prod", "deploy", "manual", ["build"]),
  job("deploy:dev", "deploy", "on_success", ["build"]),
  job("verify:dev", "check", "on_success", ["deploy:dev"]),
  job("verify:prod", "check", "on_success", ["deploy:prod"]),
  job("rollback:dev", "release", "manual", ["deploy:dev"]),
  job("rollback:prod", "release", "manual", ["deploy:prod"]),
  job("promote:prod", "release", "manual", ["verify:prod"]),
  job("auto-rollback:dev", "release", "on_failure", ["verify:dev"]),
  job("unlock:dev", "release", "manual", []),
];

describe("rehearsal schedule", () => {
  it("runs automatic jobs in needs order, then plays deploys, promotes and rollbacks as an operator would", () => {
    expect(walk(release)).toEqual([
      "run build",
      "run deploy:dev",
      "run verify:dev",
      "skip auto-rollback:dev",
      "play deploy:prod",
      "run verify:prod",
      "play promote:prod",
      "play rollback:dev",
      "play rollback:prod",
    ]);
  });

  it("runs on_failure jobs when a job they need failed, and skips what needed the failed job", () => {
    const steps = walk(release, { "verify:dev": "failed" });
    expect(steps).toContain("run auto-rollback:dev");
    // Rolled back already: the operator does not roll back again.
    expect(steps).not.toContain("play rollback:dev");
    const failedProd = walk(release, { "verify:prod": "failed" });
    expect(failedProd).not.toContain("play promote:prod");
  });

  it("a job without needs waits for every job of the earlier stages", () => {
    const jobs = [job("a", "build"), job("b", "build"), job("c", "deploy")];
    expect(resolveNeeds(jobs, STAGES).get("c")).toEqual(["a", "b"]);
  });

  it("refuses a pipeline whose job needs a job the rules left out, unless the need is optional", () => {
    expect(() => resolveNeeds([job("a", "deploy", "on_success", ["missing"])], STAGES)).toThrow(PipelineError);
    const optional: PlannedJob = { ...job("a", "deploy"), needs: [{ job: "missing", optional: true }] };
    expect(resolveNeeds([optional], STAGES).get("a")).toEqual([]);
  });
});

describe("rehearsal kinds", () => {
  const project = { projectId: "12", defaultBranch: "trunk" };

  it("sets each kind's predefined variables as GitLab does", () => {
    expect(kindVariables("default-branch", project).variables).toMatchObject({
      CI_PIPELINE_SOURCE: "push",
      CI_COMMIT_BRANCH: "trunk",
      CI_DEFAULT_BRANCH: "trunk",
    });
    expect(kindVariables("merge-request", project).unset).toContain("CI_COMMIT_BRANCH");
    expect(kindVariables("schedule", project).variables.CI_PIPELINE_SOURCE).toBe("schedule");
    expect(kindVariables("tag", project).unset).toContain("CI_COMMIT_BRANCH");
  });

  it("a fork's pipeline runs in the fork's project, without the project's CI/CD variables", () => {
    const fork = kindVariables("fork-merge-request", project);
    expect(fork.variables.CI_PROJECT_ID).toBe(REHEARSAL_FORK_PROJECT_ID);
    expect(fork.variables.CI_MERGE_REQUEST_PROJECT_ID).toBe("12");
    expect(fork.projectVariables).toBe(false);
    expect(KINDS.filter((k) => !kindVariables(k, project).projectVariables)).toEqual(["fork-merge-request"]);
  });
});

describe("a job's result from gitlab-ci-local's closing report", () => {
  const job = (name: string, allowFailure = false): PlannedJob => ({
    name,
    stage: "s",
    when: "on_success",
    allowFailure,
  });
  const run = (output: string, code = 0) => ({ code, output, seconds: 1 });

  it("reads PASS with a coverage figure after the name (the verify job) as success", () => {
    expect(jobStatus(job("verify"), run(" PASS  verify 87.77% coverage\n"))).toBe("success");
    expect(jobStatus(job("plan:dev"), run(" PASS  plan:dev\n"))).toBe("success");
  });

  it("never takes another job's line, a failure or a non-zero exit for success", () => {
    expect(jobStatus(job("plan:dev"), run(" PASS  plan:dev-eu\n"))).toBe("failed");
    expect(jobStatus(job("verify"), run(" FAIL  verify 12.00% coverage\n", 1))).toBe("failed");
    expect(jobStatus(job("verify"), run(" PASS  verify\n", 1))).toBe("failed");
    expect(jobStatus(job("unlock:dev", true), run(" WARN  unlock:dev\n", 1))).toBe("warning");
  });
});

describe("missing paths in a failed job's log", () => {
  it("names what a shell, Node or a stub did not find", () => {
    const log = [
      "job > /bin/sh: 3: cd: can't cd to cdktf.out/steps/promote/stacks/dev",
      "job > ./script: line 25: cd: /b/cdktf.out/steps/rollback/stacks/dev: No such file or directory",
      "job > Synth failed: ENOENT: no such file or directory, mkdir 'cdktf.out/steps/promote.tmp-7'",
      "job > rehearsal stub tofu: apply: no plan file rollback.tfplan in /b/x",
    ].join("\n");
    expect(missingPaths(log)).toEqual(
      expect.arrayContaining([
        "cdktf.out/steps/promote/stacks/dev",
        "/b/cdktf.out/steps/rollback/stacks/dev",
        "cdktf.out/steps/promote.tmp-7",
        "rollback.tfplan",
      ]),
    );
    expect(missingPaths("all good")).toEqual([]);
  });
});

describe("ci:rehearse command line", () => {
  async function run(args: string[]) {
    const io = captureIo();
    const code = await runCommand(rehearseCommand, args, io);
    return { code, out: io.stdout, err: io.stderr.replace(/\n$/, "") };
  }

  it("--help lists every kind and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const kind of KINDS) expect(result.out).toContain(kind);
  });

  it("refuses an unknown kind, extra arguments and a bad status with exit 2, the message and the usage line", async () => {
    for (const args of [
      [],
      ["nightly"],
      ["schedule", "tag"],
      ["merge-request", "--notes-refused", "200"],
      ["tag", "--x"],
    ]) {
      const result = await run(args);
      expect([args, result.code]).toEqual([args, 2]);
      expect(result.err).toMatch(
        /^ci:rehearse: [^\n]+\nUsage: npm run ci:rehearse -- <kind> \[options\] {3}\(--help for more\)$/,
      );
    }
  });
});

describe("the rehearsal world's Analytics Engine stand-in", () => {
  it("answers for the release and step a state deployed only, the failing canary failing, and wants a token", async () => {
    const gitlab = await startFakeGitLab({ projectId: "42" });
    const world = await startWorld(gitlab, { failingCanary: "gcp.container" });
    try {
      const origins = { "aws.function": "https://a", "gcp.container": "https://b" };
      gitlab.states.set("qa-1", {
        writes: 1,
        state: { outputs: { release_deployed: { value: { id: "r1", step: "canary" } }, origins: { value: origins } } },
      });
      const ask = async (sql: string, auth = "Bearer t") => {
        const response = await fetch(`${world.url}${ANALYTICS_PATH}/accounts/acc/analytics_engine/sql`, {
          method: "POST",
          headers: { authorization: auth },
          body: sql,
        });
        return { status: response.status, rows: ((await response.json()) as { data?: unknown[] }).data };
      };
      const dataset = edgeDatasetName("svc", "qa-1");
      const hit = await ask(failureRateSql({ dataset, release: "r1", step: "canary" }));
      expect(hit.status).toBe(200);
      expect(parseSignal({ data: hit.rows }).map((s) => [s.origin, s.failures, s.releaseAttempts])).toEqual([
        ["aws.function", 0, WORLD_SIGNAL.releaseAttempts],
        ["gcp.container", WORLD_SIGNAL.releaseAttempts * WORLD_SIGNAL.failingShare, WORLD_SIGNAL.releaseAttempts],
      ]);
      expect((await ask(failureRateSql({ dataset, release: "r0", step: "canary" }))).rows).toEqual([]);
      expect((await ask(failureRateSql({ dataset, release: "r1", step: "promote" }))).rows).toEqual([]);
      expect((await ask(failureRateSql({ dataset, release: "r1", step: "canary" }), "")).status).toBe(401);
      expect(world.queries).toHaveLength(4);
    } finally {
      await world.close();
      await gitlab.close();
    }
  });
});
