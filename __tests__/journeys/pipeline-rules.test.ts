/**
 * The committed `.gitlab-ci.yml` as gitlab-ci-local reads it: GitLab's CI
 * schema, and which jobs each kind of pipeline runs (rules evaluated with
 * the predefined variables GitLab sets). Journey tier: gitlab-ci-local runs.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { shippedEnvironments } from "../helpers/environments";
import {
  gitlabCiLocal,
  inPool,
  type ListedJob,
  listJobs,
  PIPELINES,
  type RunResult,
  type Scenario,
  sandbox,
} from "./helpers/gitlab-ci-local";

const ROOT = join(__dirname, "..", "..");
const committed = readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8");
const configs = shippedEnvironments();
type Pipeline = Record<string, unknown>;

describe("gitlab-ci-local", () => {
  // A probe job carries the workflow rules, because gitlab-ci-local does not cancel pipelines on them.
  const withProbe = parse(committed) as Pipeline;
  withProbe["workflow-probe"] = {
    stage: "verify",
    script: ["true"],
    rules: (withProbe.workflow as { rules: unknown[] }).rules,
  };
  // Valid YAML and a valid job except for one value the schema forbids.
  const invalid = `${committed}\nbroken-job:\n  stage: verify\n  script: ["true"]\n  when: sometimes\n`;
  let dir: string;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const scenarios = {
    mergeRequest: PIPELINES.mergeRequest,
    // The same merge request from a fork: the pipeline runs in the fork's project.
    forkMergeRequest: {
      ...PIPELINES.mergeRequest,
      variables: { ...PIPELINES.mergeRequest.variables, CI_PROJECT_ID: "4242" },
    },
    defaultBranch: PIPELINES.defaultBranch,
    schedule: PIPELINES.schedule,
    branchWithMergeRequest: {
      variables: {
        CI_PIPELINE_SOURCE: "push",
        CI_COMMIT_BRANCH: "feature",
        CI_DEFAULT_BRANCH: "main",
        CI_OPEN_MERGE_REQUESTS: "group/blueprint!7",
      },
    },
    branchAlone: { variables: { CI_PIPELINE_SOURCE: "push", CI_COMMIT_BRANCH: "feature", CI_DEFAULT_BRANCH: "main" } },
    tag: {
      variables: { CI_PIPELINE_SOURCE: "push", CI_COMMIT_TAG: "v1.0.0", CI_DEFAULT_BRANCH: "main" },
      unset: ["CI_COMMIT_BRANCH"],
    },
  } satisfies Record<string, Scenario>;
  type Name = keyof typeof scenarios;
  let results: Record<Name, ListedJob[]>;
  let validated: RunResult;
  let refused: RunResult;

  beforeAll(async () => {
    dir = sandbox({ ".gitlab-ci.yml": committed, "probe.yml": stringify(withProbe), "invalid.yml": invalid });
    const names = Object.keys(scenarios) as Name[];
    const [valid, invalidRun, ...lists] = await inPool<unknown>([
      () => gitlabCiLocal(dir, ["--list-json"]),
      () => gitlabCiLocal(dir, ["--file", "invalid.yml", "--list-json"]),
      ...names.map((name) => () => listJobs(dir, "probe.yml", scenarios[name])),
    ]);
    validated = valid as RunResult;
    refused = invalidRun as RunResult;
    results = Object.fromEntries(names.map((name, i) => [name, lists[i]])) as Record<Name, ListedJob[]>;
  }, 90_000); // nine gitlab-ci-local runs: about 10 s on a quiet machine, far more on a loaded one

  /** Jobs that would run, name -> when; empty when workflow:rules create no pipeline. */
  function running(name: Name): Record<string, string> {
    const jobs = results[name];
    if (jobs.find((j) => j.name === "workflow-probe")?.when === "never") return {};
    return Object.fromEntries(
      jobs.filter((j) => j.when !== "never" && j.name !== "workflow-probe").map((j) => [j.name, j.when]),
    );
  }

  it("accepts the committed file against GitLab's CI schema", () => {
    expect(validated.stderr + validated.stdout).toContain("json schema validated");
    expect(validated.code).toBe(0);
  });

  it("refuses a file that breaks GitLab's CI schema", () => {
    expect(refused.code).not.toBe(0);
    const output = refused.stderr + refused.stdout;
    expect(output).toContain("Invalid .gitlab-ci.yml configuration!");
    expect(output).toMatch(/'when' property must be one of .* \(found sometimes\) at broken-job\.when/);
  });

  it("merge request: verify, synth, validate, a plan and a plan note (even after a failed plan) per unprotected environment", () => {
    const jobs = running("mergeRequest");
    const expected: Record<string, string> = { verify: "on_success", build: "on_success", synth: "on_success" };
    for (const env of configs) {
      expected[`validate:${env.name}`] = "on_success";
      // Protected environments are planned on the default branch only (their plan identity trusts nothing else).
      if (env.protect) continue;
      expected[`plan:${env.name}`] = "on_success";
      expected[`plan-comment:${env.name}`] = "always";
    }
    expect(jobs).toEqual(expected);
  });

  it("fork merge request: verify, synth, validate and a notice; no credentialed plan", () => {
    const expected: Record<string, string> = { verify: "on_success", synth: "on_success", "fork-notice": "on_success" };
    for (const env of configs) expected[`validate:${env.name}`] = "on_success";
    expect(running("forkMergeRequest")).toEqual(expected);
  });

  it("default branch: plans, deploys gated as configured, gated notes rendered, manual unlock", () => {
    const jobs = running("defaultBranch");
    for (const env of configs) {
      const gated = env.deploy.gate === "manual";
      expect(jobs[`plan:${env.name}`]).toBe("on_success");
      expect(jobs[`deploy:${env.name}`]).toBe(gated ? "manual" : "on_success");
      expect(jobs[`plan-comment:${env.name}`]).toBe(gated ? "on_success" : undefined);
      expect(jobs[`unlock:${env.name}`]).toBe("manual");
      expect(jobs[`validate:${env.name}`]).toBeUndefined();
    }
    expect(Object.keys(jobs).filter((n) => n.startsWith("drift"))).toEqual([]);
  });

  it("schedule: drift and its issue report for every environment (after the synth it needs) and nothing else", () => {
    const expected: Record<string, string> = { synth: "on_success" };
    for (const env of configs) {
      expected[`drift:${env.name}`] = "on_success";
      expected[`drift-report:${env.name}`] = "on_success";
    }
    expect(running("schedule")).toEqual(expected);
  });

  it("no duplicate branch pipeline next to a merge-request pipeline; no pipeline for tags", () => {
    expect(running("branchWithMergeRequest")).toEqual({});
    expect(running("tag")).toEqual({});
  });

  it("a branch without a merge request only verifies and synthesizes", () => {
    expect(running("branchAlone")).toEqual({ verify: "on_success", synth: "on_success" });
  });
});
