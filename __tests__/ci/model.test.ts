/**
 * The pipeline model (ci/pipeline/model.ts) holds for the whole generated
 * pipeline, not only where the types reach: every stage is one of STAGES and
 * the file lists them in that order, every job extends a template the file
 * has, every need names a job of the pipeline. The login table
 * (ci/pipeline/logins.ts) covers exactly the registry's clouds, each with its
 * own identity's variables; the rollout jobs follow lib/release.ts.
 */
import { CLOUD_LOGINS, cloudflareLoginLines, cloudLoginLines, loginLines } from "../../ci/pipeline/logins";
import { type Job, type Jobs, pipelineDocument, STAGES } from "../../ci/pipeline/model";
import { buildPipeline } from "../../ci/pipeline/pipeline";
import { CLOUDS } from "../../lib/config/schema";
import { identityVariables } from "../../lib/identity";
import { rolloutSteps } from "../../lib/release";
import { CLOUD_MODULES } from "../../lib/stacks/clouds";
import { environmentConfig, shippedEnvironments } from "../helpers/environments";

const configs = shippedEnvironments();

/** One line per job that breaks the model's rules beyond its types. */
function modelProblems(jobs: Jobs, templates: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(jobs)) {
    if (job.stage !== undefined && !(STAGES as readonly string[]).includes(job.stage)) {
      problems.push(`${name}: stage ${job.stage} is not in STAGES`);
    }
    if (job.extends !== undefined && !templates.includes(job.extends)) {
      problems.push(`${name}: extends ${job.extends}, which the file does not define`);
    }
    for (const need of job.needs ?? []) {
      const { job: other, optional = false } = typeof need === "string" ? { job: need } : { optional: false, ...need };
      if (!(other in jobs) && !optional) problems.push(`${name}: needs ${other}, which is not in the pipeline`);
    }
  }
  return problems;
}

describe("the generated pipeline against its model", () => {
  const { head, jobs } = buildPipeline(configs);
  const templates = Object.keys(head.templates);

  it("lists the stages in STAGES order; every job's stage, template and needs exist", () => {
    expect(head.stages).toEqual(STAGES);
    expect(modelProblems(jobs, templates)).toEqual([]);
    // Written in that order: workflow, stages, variables, the templates, then the jobs.
    expect(Object.keys(pipelineDocument({ head, jobs })).slice(0, 6)).toEqual([
      "workflow",
      "stages",
      "variables",
      ".node",
      ".tf",
      "verify",
    ]);
  });

  it("catches a stage, a template or a need the pipeline does not have", () => {
    const broken: Jobs = {
      ...jobs,
      odd: { stage: "later" as Job["stage"], extends: ".python" as Job["extends"], needs: ["nowhere"] },
    };
    expect(modelProblems(broken, templates)).toEqual([
      "odd: stage later is not in STAGES",
      "odd: extends .python, which the file does not define",
      "odd: needs nowhere, which is not in the pipeline",
    ]);
  });

  it("has promote:<env> exactly where lib/release.ts's rollout steps have it", () => {
    for (const canaryPercent of [0, 10]) {
      const env = environmentConfig({ canaryPercent });
      const generated = buildPipeline([env]).jobs;
      expect([canaryPercent, `promote:${env.name}` in generated]).toEqual([
        canaryPercent,
        rolloutSteps(env).includes("promote"),
      ]);
      expect(`rollback:${env.name}` in generated).toBe(true);
    }
  });
});

describe("the per-cloud login table", () => {
  it("has one login per cloud of the registry, in registry order", () => {
    expect(Object.keys(CLOUD_LOGINS)).toEqual(Object.keys(CLOUD_MODULES));
    expect(Object.keys(CLOUD_LOGINS)).toEqual([...CLOUDS]);
  });

  it("does not compile without a cloud's login", () => {
    // @ts-expect-error gcp is in the registry: a table without it is a type error.
    const partial: typeof CLOUD_LOGINS = { aws: CLOUD_LOGINS.aws, azure: CLOUD_LOGINS.azure };
    expect(Object.keys(partial)).not.toContain("gcp");
  });

  it("logs in to each enabled cloud with that cloud's token and its identity of the purpose, Cloudflare last", () => {
    const env = environmentConfig({});
    for (const purpose of ["plan", "deploy", "publish"] as const) {
      const vars = identityVariables(env.name, purpose);
      const clouds = CLOUDS.filter((cloud) => env.clouds.includes(cloud));
      expect(clouds.length).toBeGreaterThan(0);
      const cloudLines = cloudLoginLines(env, purpose);
      // Each cloud's lines alone, in registry order.
      expect(cloudLines).toEqual(clouds.flatMap((cloud) => cloudLoginLines({ ...env, clouds: [cloud] }, purpose)));
      for (const cloud of clouds) {
        for (const variable of Object.values(vars[cloud])) expect(cloudLines.join("\n")).toContain(`\${${variable}:?`);
      }
      expect(cloudLines.join("\n")).not.toContain("CLOUDFLARE_API_TOKEN");
      expect(cloudflareLoginLines(env, purpose)).toEqual([
        `export CLOUDFLARE_API_TOKEN="\${${vars.cloudflare.apiToken}:?set the CI/CD variable ${vars.cloudflare.apiToken} (docs/gitlab-ci.md)}"`,
      ]);
      expect(loginLines(env, purpose)).toEqual([...cloudLines, ...cloudflareLoginLines(env, purpose)]);
    }
  });

  it("logs in to no cloud the environment does not enable", () => {
    const env = environmentConfig({});
    const only = { ...env, clouds: [env.clouds[0]] };
    const others = CLOUDS.filter((cloud) => cloud !== only.clouds[0]);
    const text = cloudLoginLines(only, "plan").join("\n");
    for (const cloud of others) {
      for (const variable of Object.values(identityVariables(env.name, "plan")[cloud]))
        expect(text).not.toContain(variable);
    }
  });
});
