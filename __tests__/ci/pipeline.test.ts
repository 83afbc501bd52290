import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DRIFT_EXIT_CODE } from "../../ci/pipeline/environment-jobs";
import type { Job, Jobs } from "../../ci/pipeline/model";
import { buildPipeline, renderPipeline } from "../../ci/pipeline/pipeline";
import { IF, MANUAL_ON_DEFAULT_BRANCH } from "../../ci/pipeline/rules";
import { GATED_PLAN_RETENTION, LOCK_TIMEOUT, stackDir } from "../../ci/pipeline/terraform";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { audience, ID_TOKENS, identityVariables } from "../../lib/identity";
import { environmentConfig, shippedEnvironments, UNKNOWN_NAME } from "../helpers/environments";

const ROOT = join(__dirname, "..", "..");
const committed = readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8");
const configs = shippedEnvironments();

/** The committed file as `yaml` parses it: its jobs by name (the head's keys are read by no check here). */
type Pipeline = Readonly<Record<string, Job | undefined>>;

/**
 * What the pipeline must hold for each environment: plan, plan-comment,
 * deploy and drift jobs, the deploy gate its config declares, its own
 * resource group. Returns one line per problem.
 */
function environmentJobProblems(pipeline: Pipeline, envs: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (const env of envs) {
    const job = (name: string) => pipeline[`${name}:${env.name}`];
    // A protected environment is not planned in merge requests: its comment job exists only for a gated deploy.
    const jobs = ["validate", "plan", "plan-comment", "deploy", "unlock", "drift", "drift-report"].filter(
      (name) => name !== "plan-comment" || !env.protect || env.deploy.gate === "manual",
    );
    for (const name of jobs) {
      if (job(name) === undefined) problems.push(`${env.name}: no ${name}:${env.name} job`);
    }
    const comment = job("plan-comment");
    if (env.protect && comment?.rules?.some((r) => r.if === IF.mergeRequest)) {
      problems.push(`${env.name}: plan-comment of a protected environment runs in merge requests`);
    }
    const deploy = job("deploy");
    if (deploy !== undefined) {
      const rule = deploy.rules?.find((r) => r.if === IF.defaultBranch);
      const when = rule?.when ?? "on_success";
      const expected = env.deploy.gate === "manual" ? "manual" : "on_success";
      if (when !== expected) problems.push(`${env.name}: deploy is ${when}, config says gate ${env.deploy.gate}`);
      if (deploy.environment?.name !== env.name || deploy.environment?.deployment_tier !== env.deploy.tier) {
        problems.push(`${env.name}: deploy environment is not ${env.name} (${env.deploy.tier})`);
      }
    }
    for (const name of ["plan", "deploy", "drift"]) {
      const group = job(name)?.resource_group;
      if (job(name) !== undefined && group !== env.name)
        problems.push(`${env.name}: ${name} resource_group is ${group}`);
    }
  }
  return problems;
}

describe(".gitlab-ci.yml", () => {
  it("is the committed output of `npm run ci:pipeline` (regenerate it after changing environments/ or ci/)", () => {
    expect(committed).toBe(renderPipeline(configs));
  });

  it("has plan, plan-comment, deploy and drift jobs with the gate each environment declares", () => {
    const pipeline = parse(committed) as Pipeline;
    expect(environmentJobProblems(pipeline, configs)).toEqual([]);
    expect(configs.map((env) => env.deploy.gate)).toContain("manual"); // the check is exercised both ways
    expect(configs.map((env) => env.deploy.gate)).toContain("auto");
  });

  it("catches an environment without its jobs or with the wrong gate", () => {
    const pipeline = parse(committed) as Pipeline;
    const extra = environmentConfig({ name: UNKNOWN_NAME, deploy: { gate: "manual", tier: "testing" } });
    expect(environmentJobProblems(pipeline, [...configs, extra])).toEqual(
      ["validate", "plan", "plan-comment", "deploy", "unlock", "drift", "drift-report"].map(
        (job) => `${UNKNOWN_NAME}: no ${job}:${UNKNOWN_NAME} job`,
      ),
    );
    const flipped = configs.map((env) => ({
      ...env,
      deploy: { ...env.deploy, gate: env.deploy.gate === "auto" ? "manual" : "auto" },
    }));
    expect(environmentJobProblems(pipeline, flipped as EnvironmentConfig[])).toHaveLength(configs.length);
    // And the generator gives a new environment its jobs.
    expect(environmentJobProblems(buildPipeline([...configs, extra]).jobs, [...configs, extra])).toEqual([]);
  });
});

describe("generated jobs", () => {
  const pipeline = buildPipeline(configs).jobs;
  const job = (name: string) => pipeline[name];

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: plans without a lock only in merge requests (a protected environment only on the default branch), never in forks, with a lock timeout",
    (name, env) => {
      const plan = job(`plan:${name}`);
      expect(plan.variables?.TF_PLAN_LOCK).toBe("true");
      expect(plan.rules).toEqual([
        { if: IF.fork, when: "never" },
        ...(env.protect ? [] : [{ if: IF.mergeRequest, variables: { TF_PLAN_LOCK: "false" } }]),
        { if: IF.defaultBranch },
      ]);
      expect(plan.script).toContain(
        `"$TF" plan -input=false -lock="$TF_PLAN_LOCK" -lock-timeout=${LOCK_TIMEOUT} -out=plan.tfplan`,
      );
      expect(plan.script).toContain('"$TF" show -json plan.tfplan > plan.json');
      // Written before anything can fail, and uploaded when the plan fails, for the failed-plan note.
      expect(plan.script?.[0]).toContain(`> ${stackDir(name)}/plan-job-url.txt`);
      expect(plan.artifacts?.when).toBe("always");
      // A default-branch plan may hold the state lock: it is never interrupted.
      expect(plan.interruptible).toBe(false);
      // Plan files hold secrets in clear: a protected environment's are for its deploy job only.
      expect(plan.artifacts?.access).toBe(env.protect ? "none" : "developer");
      expect(job(`drift:${name}`).artifacts?.access).toBe(env.protect ? "none" : "developer");
      expect(plan.artifacts?.paths).toEqual(
        expect.arrayContaining([`${stackDir(name)}/plan.tfplan`, `${stackDir(name)}/plan.json`]),
      );
      // Gated environments keep their plan for the approval window.
      if (env.deploy.gate === "manual") expect(plan.artifacts?.expire_in).toBe(GATED_PLAN_RETENTION);
      else expect(plan.artifacts?.expire_in).not.toBe(GATED_PLAN_RETENTION);
    },
  );

  it("has a protected and an unprotected environment to check both ways", () => {
    expect(configs.map((env) => env.protect).sort()).toEqual(expect.arrayContaining([false, true]));
  });

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: deploy applies this pipeline's plan file, locked with a timeout",
    (name, env) => {
      const deploy = job(`deploy:${name}`);
      expect(deploy.needs).toContainEqual({ job: `plan:${name}`, artifacts: true });
      expect(deploy.script?.at(-1)).toBe(`"$TF" apply -input=false -lock-timeout=${LOCK_TIMEOUT} plan.tfplan`);
      expect(deploy.script?.some((line) => /"\$TF" plan\b/.test(line))).toBe(false);
      expect(deploy.script?.join("\n")).not.toContain("-lock=false");
      expect(deploy.interruptible).toBe(false);
      // The host the edge Worker serves (lib/edge), not the bare domain.
      expect(deploy.environment?.url).toBe(`https://api.${env.cloudflare.domain}`);
    },
  );

  it("deploys follow the promotion order: each needs the verify of the environment before it, gates stay manual", () => {
    const verifies = (name: string) =>
      (job(`deploy:${name}`).needs ?? []).flatMap((need) =>
        typeof need !== "string" && need.job.startsWith("verify:") ? [need] : [],
      );
    expect(verifies(configs[0].name)).toEqual([]);
    for (const [i, env] of configs.entries()) {
      if (i === 0) continue;
      // A failed verify (a failed canary) upstream leaves this deploy skipped, not playable.
      expect(verifies(env.name)).toEqual([{ job: `verify:${configs[i - 1].name}`, artifacts: false }]);
      expect(job(`verify:${configs[i - 1].name}`).rules).toEqual(
        job(`deploy:${env.name}`).rules?.map(({ if: c }) => ({ if: c })),
      );
      if (env.deploy.gate === "manual") expect(job(`deploy:${env.name}`).rules).toEqual([MANUAL_ON_DEFAULT_BRANCH]);
    }
  });

  it("gated deploys link the rendered note of the plan they apply (artifact and job page)", () => {
    const gated = configs.filter((env) => env.deploy.gate === "manual");
    expect(gated.length).toBeGreaterThan(0);
    for (const env of configs) {
      const deploy = job(`deploy:${env.name}`);
      const comment = job(`plan-comment:${env.name}`);
      const note = `${stackDir(env.name)}/plan-note.md`;
      if (env.deploy.gate !== "manual") {
        expect(deploy.needs).not.toContainEqual({ job: `plan-comment:${env.name}`, artifacts: true });
        expect(comment.rules?.some((rule) => rule.if === IF.defaultBranch)).toBe(false);
        continue;
      }
      // The default-branch pipeline renders the note of its own plan before the gate.
      expect(comment.rules).toContainEqual({ if: IF.defaultBranch });
      expect(comment.artifacts?.paths).toContain(note);
      expect(comment.artifacts?.expire_in).toBe(GATED_PLAN_RETENTION);
      expect(deploy.needs).toContainEqual({ job: `plan-comment:${env.name}`, artifacts: true });
      const script = deploy.script?.join("\n") ?? "";
      expect(script).toContain(`cat ${stackDir(env.name)}/plan-note-url.txt`);
      expect(script).toContain("> plan-note-annotations.json");
      expect(deploy.artifacts?.paths).toContain(note);
      expect(deploy.artifacts?.reports).toEqual({ annotations: "plan-note-annotations.json" });
      expect(deploy.artifacts?.expire_in).toBe(GATED_PLAN_RETENTION);
    }
  });

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: drift is a refresh-only plan, reported as an issue by drift-report",
    (name) => {
      const script = job(`drift:${name}`).script?.join("\n") ?? "";
      expect(script).toMatch(/"\$TF" plan .*-refresh-only .*-detailed-exitcode/);
      expect(script).toContain('"$TF" show -json drift.tfplan > drift.json');
      const report = job(`drift-report:${name}`);
      expect(report.needs).toEqual([{ job: `drift:${name}`, artifacts: true }]);
      expect(report.rules).toEqual([{ if: IF.schedule }]);
      expect(report.script?.join("\n")).toContain(`ci:drift -- --env ${name} --plan ${stackDir(name)}/drift.json`);
      // 3, not 2: a usage error (2) of ci:drift must fail the schedule, not pass as a warning.
      expect(report.allow_failure).toEqual({ exit_codes: [DRIFT_EXIT_CODE] });
      expect(DRIFT_EXIT_CODE).not.toBe(2);
    },
  );

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: validate runs without credentials on every merge request; unlock is manual",
    (name) => {
      const validate = job(`validate:${name}`);
      expect(validate.rules).toEqual([{ if: IF.mergeRequest }]);
      expect(validate.id_tokens).toBeUndefined();
      expect(validate.script).toEqual([`sh ci/scripts/validate.sh ${stackDir(name)}`]);
      expect(validate.artifacts?.paths).toEqual([`${stackDir(name)}/validate-result.txt`]);
      const unlock = job(`unlock:${name}`);
      expect(unlock.rules).toEqual([MANUAL_ON_DEFAULT_BRANCH]);
      expect(unlock.script?.at(-1)).toMatch(/^"\$TF" force-unlock -force "\$\{LOCK_ID:\?/);
    },
  );

  it("writes the mock-provider tests next to each stack in synth, for validate's image without Node", () => {
    expect(job("synth").script).toEqual(["sh ci/release/synth.sh", "npm run --silent ci:mocks"]);
  });

  it("every command that locks the state waits for the lock with -lock-timeout", () => {
    const lines = Object.values(pipeline).flatMap((j) => j.script ?? []);
    const locking = lines.filter(
      (line) => /"\$TF" (plan|apply|refresh|import)\b/.test(line) && !line.includes("-lock=false"),
    );
    expect(locking.length).toBeGreaterThan(0);
    for (const line of locking) expect(line).toContain(`-lock-timeout=${LOCK_TIMEOUT}`);
  });

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: OIDC id_tokens and identity variables from lib/identity.ts",
    (name, env) => {
      for (const [jobName, purpose] of [
        ["plan", "plan"],
        ["drift", "plan"],
        ["deploy", "deploy"],
      ] as const) {
        const j = job(`${jobName}:${name}`);
        expect(Object.keys(j.id_tokens ?? {}).sort()).toEqual(env.clouds.map((c) => ID_TOKENS[c].variable).sort());
        // Each token carries the audience of this environment and purpose only.
        for (const cloud of env.clouds)
          expect(j.id_tokens?.[ID_TOKENS[cloud].variable]).toEqual({ aud: audience(cloud, name, purpose) });
        const script = j.script?.join("\n") ?? "";
        const vars = identityVariables(name, purpose);
        const wanted = { aws: vars.aws.roleArn, azure: vars.azure.clientId, gcp: vars.gcp.serviceAccount };
        for (const [cloud, variable] of Object.entries(wanted)) {
          const used = script.includes(`\${${variable}:?`);
          expect([cloud, used]).toEqual([cloud, env.clouds.includes(cloud as keyof typeof wanted)]);
        }
        expect(script).toContain(`\${${vars.cloudflare.apiToken}:?`);
        const other = identityVariables(name, purpose === "plan" ? "deploy" : "plan");
        expect(script).not.toContain(other.aws.roleArn);
        // No long-lived cloud keys.
        expect(script).not.toMatch(/AWS_SECRET_ACCESS_KEY|ARM_CLIENT_SECRET|GOOGLE_CREDENTIALS/);
      }
    },
  );

  it("reads GitLab-managed state from TF_HTTP_* in the environment, never from a file", () => {
    const lines = Object.values(pipeline).flatMap((j) => j.script ?? []);
    expect(lines).toContain(
      'export TF_HTTP_ADDRESS="$CI_API_V4_URL/projects/$CI_PROJECT_ID/terraform/state/$TF_STATE_NAME"',
    );
    const stateLines = lines.filter((line) => line.includes("TF_HTTP"));
    expect(stateLines.length).toBeGreaterThan(0);
    for (const line of stateLines) expect(line).not.toContain(">");
    // An environment with local state on a laptop (dev, shipped) gets an override to GitLab-managed state in CI.
    const override = `printf '%s\\n' '{"terraform":{"backend":{"http":{}}}}' > backend_override.tf.json`;
    const planned = configs.filter((env) => pipeline[`plan:${env.name}`] !== undefined);
    for (const env of planned) {
      const script = job(`plan:${env.name}`).script ?? [];
      if (env.backend.type === "local") expect(script).toContain(override);
      else expect(script.join("\n")).not.toContain("backend_override");
    }
  });

  it("posts each environment's note and terraform report from its own comment job, also when the plan failed", () => {
    for (const env of configs.filter((e) => pipeline[`plan-comment:${e.name}`] !== undefined)) {
      const comment = job(`plan-comment:${env.name}`);
      // A protected environment's note is only the approver's, on the default branch.
      expect(comment.rules?.slice(0, 2)).toEqual([
        { if: IF.fork, when: "never" },
        env.protect ? { if: IF.defaultBranch } : { if: IF.mergeRequest, when: "always" },
      ]);
      expect(comment.needs).toEqual([
        { job: `plan:${env.name}`, artifacts: true, optional: true },
        { job: `validate:${env.name}`, artifacts: true, optional: true },
      ]);
      expect(comment.artifacts?.name).toBe(`plan:${env.name}`);
      expect(comment.artifacts?.reports).toEqual({ terraform: `${stackDir(env.name)}/terraform-report.json` });
      const script = comment.script?.join("\n") ?? "";
      expect(script).toContain(`npm run --silent ci:note -- --env ${env.name} --plan`);
      expect(script).toContain(`npm run --silent ci:note -- --env ${env.name} --failed`);
    }
  });
});

describe("a merge-request pipeline and protected environments", () => {
  const pipeline = parse(committed) as Jobs;
  /** Whether a job runs in a merge-request pipeline of this project (not a fork): its first matching rule decides. */
  function runsInMergeRequest(job: Job): boolean {
    // No rules: every pipeline the workflow lets through, merge requests included.
    if (job.rules === undefined) return true;
    for (const rule of job.rules ?? []) {
      const matches = rule.if === undefined || rule.if === IF.mergeRequest;
      // The fork rule does not match this project's own pipelines; schedule and default-branch rules never match one.
      if (matches) return rule.when !== "never";
    }
    return false;
  }
  const mergeRequestJobs = Object.entries(pipeline).filter(
    ([name, job]) =>
      !name.startsWith(".") && typeof job === "object" && job !== null && "script" in job && runsInMergeRequest(job),
  );
  const protectedEnvs = configs.filter((env) => env.protect);
  const itProtected = protectedEnvs.length > 0 ? it : it.skip;

  it("runs some jobs (verify, synth, validate, the unprotected plans)", () => {
    expect(mergeRequestJobs.map(([name]) => name)).toEqual(expect.arrayContaining(["verify", "synth"]));
  });

  itProtected("requests no id_token of a protected environment, in any job", () => {
    for (const env of protectedEnvs) {
      const theirs = new Set(
        (["plan", "deploy"] as const).flatMap((purpose) =>
          env.clouds.map((cloud) => audience(cloud, env.name, purpose)),
        ),
      );
      for (const [name, job] of mergeRequestJobs) {
        const asked = Object.values(job.id_tokens ?? {}).map((token) => token.aud);
        expect({ job: name, asked: asked.filter((aud) => theirs.has(aud)) }).toEqual({ job: name, asked: [] });
      }
    }
  });

  itProtected("names no CI/CD variable, state or stable record of a protected environment", () => {
    for (const env of protectedEnvs) {
      const variables = (["plan", "deploy"] as const).flatMap((purpose) =>
        Object.values(identityVariables(env.name, purpose)).flatMap((group) =>
          Object.values(group as Record<string, string>),
        ),
      );
      for (const [name, job] of mergeRequestJobs) {
        const text = JSON.stringify(job);
        expect({ job: name, named: variables.filter((v) => text.includes(v)) }).toEqual({ job: name, named: [] });
        expect(job.variables?.TF_STATE_NAME).not.toBe(env.name);
        // synth's stable record of a protected environment comes from stable:<env>, a default-branch job only.
        for (const need of job.needs ?? []) {
          const needed = typeof need === "string" ? need : need.job;
          if (needed === `stable:${env.name}`) expect(runsInMergeRequest(pipeline[needed])).toBe(false);
        }
      }
      expect(pipeline[`stable:${env.name}`]?.rules).toEqual([{ if: IF.defaultBranch }]);
    }
  });
});

describe("publish:<env>, before any approval (issue #26)", () => {
  type RawJob = Omit<Job, "environment"> & {
    extends?: string | string[];
    before_script?: string[];
    environment?: { name: string; action?: string; deployment_tier?: string; url?: string };
  };
  const pipeline = parse(committed) as Record<string, RawJob>;

  /** A job with its templates' keys under its own (GitLab's `extends`: the job's own keys win). */
  function resolved(jobs: Record<string, RawJob>, name: string): RawJob {
    const job = jobs[name];
    const parents = job.extends === undefined ? [] : ([] as string[]).concat(job.extends);
    return Object.assign({}, ...parents.map((parent) => resolved(jobs, parent)), job);
  }
  const jobNames = (jobs: Record<string, RawJob>) =>
    Object.keys(jobs).filter(
      (name) => !name.startsWith(".") && typeof jobs[name] === "object" && "script" in jobs[name],
    );

  /** A package manager installing something while the job runs (its image should already hold it). */
  const RUN_TIME_INSTALL =
    /\b(apk\s+add|apt(-get)?\s+install|npm\s+(ci|install|i)\b|pip3?\s+install|yarn\s+(add|install)|dnf\s+install|yum\s+install)|curl[^|]*\|\s*(ba)?sh/;
  const DEPLOY_VARIABLE = /_DEPLOY\b/;

  /** One line per job that holds cloud tokens or deploy variables and installs a package at run time. */
  function runTimeInstalls(jobs: Record<string, RawJob>): string[] {
    return jobNames(jobs).flatMap((name) => {
      const job = resolved(jobs, name);
      const lines = [...(job.before_script ?? []), ...(job.script ?? [])];
      const holds =
        Object.keys(job.id_tokens ?? {}).length > 0 ||
        lines.some((line) => DEPLOY_VARIABLE.test(line)) ||
        Object.keys(job.variables ?? {}).some((key) => DEPLOY_VARIABLE.test(key));
      return holds ? lines.filter((line) => RUN_TIME_INSTALL.test(line)).map((line) => `${name}: ${line}`) : [];
    });
  }

  it("no job holding id_tokens or deploy variables installs a package at run time", () => {
    expect(runTimeInstalls(pipeline)).toEqual([]);
    // The rule can fail: the publish job as it was (alpine, `apk add` before signing in).
    const publish = Object.keys(pipeline).find((name) => name.startsWith("publish:")) as string;
    const before = {
      ...pipeline,
      [publish]: { ...pipeline[publish], before_script: ["apk add --no-cache crane aws-cli curl jq"] },
    };
    expect(runTimeInstalls(before)).toEqual([`${publish}: apk add --no-cache crane aws-cli curl jq`]);
    // The `.node` template's `npm ci` runs only in jobs that hold no token.
    expect(
      runTimeInstalls({ ...pipeline, ".node": { ...pipeline[".node"], id_tokens: { X: { aud: "x" } } } }),
    ).not.toEqual([]);
  });

  it("publish runs the tool image the build job made, by the digest build reported", () => {
    const build = resolved(pipeline, "build");
    expect(build.artifacts?.reports).toEqual({ dotenv: "release.env" });
    expect(build.id_tokens).toBeUndefined();
    for (const env of configs) {
      const publish = resolved(pipeline, `publish:${env.name}`) as RawJob & { image?: { name: string } };
      expect(publish.image?.name).toBe("$PUBLISH_TOOLS_IMAGE");
      expect(publish.needs).toContainEqual({ job: "build", artifacts: true });
    }
    // build.sh writes it as <repository>/publish-tools@<digest>, from ci/tools/publish/Dockerfile.
    const script = readFileSync(join(ROOT, "ci", "release", "build.sh"), "utf8");
    expect(script).toContain("build ci/tools/publish");
    expect(script).toMatch(/PUBLISH_TOOLS_IMAGE=%s@%s/);
  });

  it.each(configs.map((env) => [env.name, env] as const))(
    "%s: publish signs in with the publish identity only, and needs nothing a deploy identity made",
    (name, env) => {
      const publish = resolved(pipeline, `publish:${name}`);
      expect(Object.values(publish.id_tokens ?? {}).map((token) => token.aud)).toEqual(
        env.clouds.map((cloud) => audience(cloud, name, "publish")),
      );
      expect((publish.needs ?? []).map((need) => (typeof need === "string" ? need : need.job)).sort()).toEqual([
        "build",
        "synth",
      ]);
    },
  );
});
