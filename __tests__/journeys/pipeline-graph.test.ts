/**
 * The release graph as gitlab-ci-local evaluates the committed
 * `.gitlab-ci.yml`: default branch build -> publish:<env> -> plan:<env> ->
 * deploy:<env> -> verify:<env> (-> promote:<env> where a canary splits, manual
 * where the environment's gate is), deploy:<env> -> plan-steps:<env> ->
 * rollback:<env> (manual), auto-rollback:<env> when verify fails; merge
 * requests build but publish nothing; schedules build nothing.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { shippedEnvironments } from "../helpers/environments";
import { inPool, type ListedJob, listJobs, PIPELINES, sandbox } from "./helpers/gitlab-ci-local";

const ROOT = join(__dirname, "..", "..");
const configs = shippedEnvironments();
const scenarios = PIPELINES;
type Name = keyof typeof scenarios;

let dir: string;
let jobs: Record<Name, Map<string, ListedJob>>;

beforeAll(async () => {
  dir = sandbox({ ".gitlab-ci.yml": readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8") });
  const names = Object.keys(scenarios) as Name[];
  const lists = await inPool(names.map((name) => () => listJobs(dir, ".gitlab-ci.yml", scenarios[name])));
  jobs = Object.fromEntries(
    names.map((name, i) => [name, new Map(lists[i].filter((j) => j.when !== "never").map((j) => [j.name, j]))]),
  ) as Record<Name, Map<string, ListedJob>>;
}, 90_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const needs = (job: ListedJob | undefined) => (job?.needs ?? []).map((n) => n.job);

describe("release pipeline graph", () => {
  it("default branch: build -> publish -> plan -> deploy -> verify for every environment", () => {
    const run = jobs.defaultBranch;
    expect(run.get("build")?.when).toBe("on_success");
    expect(needs(run.get("synth"))).toContain("build");
    for (const env of configs) {
      const name = (job: string) => `${job}:${env.name}`;
      // No registries job: bootstrap made the registries, so publish needs only the image and the publish list.
      expect(run.has(name("registries"))).toBe(false);
      expect(needs(run.get(name("publish"))).sort()).toEqual(["build", "synth"]);
      expect(needs(run.get(name("plan")))).toContain(name("publish"));
      expect(needs(run.get(name("deploy")))).toContain(name("plan"));
      expect(needs(run.get(name("verify")))).toEqual(expect.arrayContaining(["build", name("deploy")]));
      expect(run.get(name("publish"))?.when).toBe("on_success");
      expect(run.get(name("verify"))?.when).toBe("on_success");
    }
  });

  it("default branch: promote after verify where a canary splits (manual behind a manual gate); rollback manual, or by itself when verify fails", () => {
    const run = jobs.defaultBranch;
    for (const env of configs) {
      const steps = run.get(`plan-steps:${env.name}`);
      expect(needs(steps)).toEqual(expect.arrayContaining(["synth", `deploy:${env.name}`]));
      const promote = run.get(`promote:${env.name}`);
      if (env.canaryPercent > 0) {
        expect(needs(promote)).toEqual(expect.arrayContaining([`verify:${env.name}`, `plan-steps:${env.name}`]));
        expect(promote?.when).toBe(env.deploy.gate === "manual" ? "manual" : "on_success");
      } else {
        expect(promote).toBeUndefined();
      }
      const rollback = run.get(`rollback:${env.name}`);
      expect(rollback?.when).toBe("manual");
      expect(needs(rollback)).toContain(`plan-steps:${env.name}`);
      const auto = run.get(`auto-rollback:${env.name}`);
      expect(auto?.when).toBe("on_failure");
      expect(needs(auto)).toEqual(expect.arrayContaining([`verify:${env.name}`, `plan-steps:${env.name}`]));
    }
    // Both kinds of gate are exercised by the shipped environments.
    expect(configs.some((env) => env.canaryPercent > 0 && env.deploy.gate === "manual")).toBe(true);
  });

  it("merge requests build but publish, verify, promote and roll back nothing", () => {
    const run = jobs.mergeRequest;
    expect(run.get("build")?.when).toBe("on_success");
    const release = [...run.keys()].filter((name) =>
      /^(publish|verify|plan-steps|promote|rollback|auto-rollback|deploy):/.test(name),
    );
    expect(release).toEqual([]);
  });

  it("schedules build nothing", () => {
    const run = jobs.schedule;
    expect(run.has("build")).toBe(false);
    expect(
      [...run.keys()].filter((name) => /^(publish|verify|plan-steps|promote|rollback|auto-rollback):/.test(name)),
    ).toEqual([]);
  });
});
