/**
 * The jobs of each environment but its release jobs (ci/pipeline/release.ts):
 *
 *   synth -> validate:<env>                                 merge requests, forks too (no credentials)
 *   synth -> plan:<env> -> plan-comment:<env>               merge requests (not forks: fork-notice)
 *   synth -> plan:<env> -> deploy:<env>                     default branch (gated: plan-comment renders the note)
 *            unlock:<env>                                   default branch, manual
 *   synth -> drift:<env> -> drift-report:<env>              schedules
 *
 * Each is a `Job` of ./model; ./pipeline.ts puts them after the shared jobs.
 */
import { edgeHostname } from "../../lib/config/company";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { idTokens, required } from "./logins";
import type { Job, Jobs } from "./model";
import { environmentReleaseJobs } from "./release";
import { IF, MANUAL_ON_DEFAULT_BRANCH } from "./rules";
import {
  artifactAccess,
  GATED_PLAN_RETENTION,
  LOCK_TIMEOUT,
  PLAN_RETENTION,
  planRetention,
  stackDir,
  tfPrelude,
  tfVariables,
} from "./terraform";

/**
 * Exit code of `ci:drift` when resources changed outside Terraform: the drift-report job's only
 * allowed failure. Not 2, which every command uses for bad usage (tools/command.ts), so a broken
 * command line fails the schedule instead of passing as a warning.
 */
export const DRIFT_EXIT_CODE = 3;

function planJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  return {
    extends: ".tf",
    stage: "plan",
    // After publish on the default branch: the images the plan deploys are in the clouds' registries.
    needs: ["synth", { job: `publish:${env.name}`, optional: true, artifacts: false }],
    resource_group: env.name,
    // A default-branch plan may hold the state lock: never killed half-way by a newer pipeline.
    interruptible: false,
    variables: { ...tfVariables(env), TF_PLAN_LOCK: "true" },
    id_tokens: idTokens("plan", env),
    rules: [
      // A fork's pipeline has none of this project's credentials: fork-notice says so instead of failing.
      { if: IF.fork, when: "never" },
      // A protected environment's plan identity trusts only the default branch: no merge-request plan.
      // A Developer's CI_JOB_TOKEN cannot lock GitLab-managed state: merge-request plans read it unlocked.
      ...(env.protect ? [] : [{ if: IF.mergeRequest, variables: { TF_PLAN_LOCK: "false" } }]),
      { if: IF.defaultBranch },
    ],
    script: [
      // First, so the note links this job even when the plan fails.
      `printf '%s\\n' "$CI_JOB_URL" > ${dir}/plan-job-url.txt`,
      ...tfPrelude(env, "plan"),
      `"$TF" plan -input=false -lock="$TF_PLAN_LOCK" -lock-timeout=${LOCK_TIMEOUT} -out=plan.tfplan`,
      '"$TF" show -json plan.tfplan > plan.json',
    ],
    artifacts: {
      name: `plan:${env.name}`,
      // plan-job-url.txt is needed by the note of a failed plan too.
      when: "always",
      // The plan file and its JSON hold sensitive values in clear text.
      access: artifactAccess(env),
      expire_in: planRetention(env),
      paths: [`${dir}/plan.tfplan`, `${dir}/plan.json`, `${dir}/plan-job-url.txt`, `${dir}/.terraform.lock.hcl`],
    },
  };
}

function commentJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  const gated = env.deploy.gate === "manual";
  const context = `--job-url "$(cat ${dir}/plan-job-url.txt 2>/dev/null)" --validate ${dir}/validate-result.txt`;
  return {
    extends: ".node",
    stage: "comment",
    needs: [
      { job: `plan:${env.name}`, artifacts: true, optional: true },
      { job: `validate:${env.name}`, artifacts: true, optional: true },
    ],
    rules: [
      { if: IF.fork, when: "never" },
      // always: a failed plan turns the note into "plan failed at <sha>" instead of leaving the old plan up.
      // A protected environment has no merge-request plan (its plan identity trusts only the default branch).
      ...(env.protect ? [] : [{ if: IF.mergeRequest, when: "always" } as const]),
      // Gated environments: the note of the plan deploy:<env> applies, for the approver.
      ...(gated ? [{ if: IF.defaultBranch }] : []),
    ],
    script: [
      `if [ -f ${dir}/plan.json ]; then npm run --silent ci:report -- --plan ${dir}/plan.json --out ${dir}/terraform-report.json; fi`,
      `if [ -f ${dir}/plan.json ]; then npm run --silent ci:note -- --env ${env.name} --plan ${dir}/plan.json ${context} --out ${dir}/plan-note.md; else npm run --silent ci:note -- --env ${env.name} --failed ${context} --out ${dir}/plan-note.md; fi`,
      `printf '%s\\n' "$CI_JOB_URL/artifacts/file/${dir}/plan-note.md" > ${dir}/plan-note-url.txt`,
    ],
    artifacts: {
      // The merge-request widget labels each terraform report with this name.
      name: `plan:${env.name}`,
      when: "always",
      access: "developer",
      expire_in: planRetention(env),
      expose_as: `plan note ${env.name}`,
      paths: [`${dir}/plan-note.md`, `${dir}/plan-note-url.txt`],
      reports: { terraform: `${dir}/terraform-report.json` },
    },
  };
}

/**
 * Lines that show an approver what a gated deploy applies: the rendered note
 * of its plan in the log, and linked from the job page (annotations report).
 */
function planNoteLines(env: EnvironmentConfig): string[] {
  const dir = stackDir(env.name);
  return [
    `NOTE_URL="$(cat ${dir}/plan-note-url.txt)"`,
    `echo "Applying the plan of commit $CI_COMMIT_SHA; its rendered note: $NOTE_URL"`,
    `printf '{"plan":[{"external_link":{"label":"Plan note of ${env.name} at %s","url":"%s"}}]}' "$CI_COMMIT_SHORT_SHA" "$NOTE_URL" > plan-note-annotations.json`,
    `sed -n '1,60p' ${dir}/plan-note.md`,
  ];
}

/**
 * `previous`: the environment before this one in promotion order
 * (environments/index.ts), whose verify (canary analysis included) must pass
 * before this deploy runs or can be played.
 */
function deployJob(env: EnvironmentConfig, previous: EnvironmentConfig | undefined): Job {
  const gated = env.deploy.gate === "manual";
  const dir = stackDir(env.name);
  return {
    extends: ".tf",
    stage: "deploy",
    // Applies the plan file from this pipeline's plan job: what was planned is what is applied.
    needs: [
      "synth",
      { job: `plan:${env.name}`, artifacts: true },
      ...(gated ? [{ job: `plan-comment:${env.name}`, artifacts: true }] : []),
      ...(previous === undefined ? [] : [{ job: `verify:${previous.name}`, artifacts: false }]),
    ],
    resource_group: env.name,
    interruptible: false,
    variables: tfVariables(env),
    id_tokens: idTokens("deploy", env),
    environment: {
      name: env.name,
      deployment_tier: env.deploy.tier,
      url: `https://${edgeHostname(env.cloudflare.domain)}`,
    },
    rules: [gated ? MANUAL_ON_DEFAULT_BRANCH : { if: IF.defaultBranch }],
    script: [
      ...(gated ? planNoteLines(env) : []),
      ...tfPrelude(env, "deploy"),
      `"$TF" apply -input=false -lock-timeout=${LOCK_TIMEOUT} plan.tfplan`,
    ],
    ...(gated
      ? {
          artifacts: {
            when: "always",
            access: "developer",
            expire_in: GATED_PLAN_RETENTION,
            paths: [`${dir}/plan-note.md`],
            reports: { annotations: "plan-note-annotations.json" },
          },
        }
      : {}),
  };
}

function driftJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  return {
    extends: ".tf",
    stage: "drift",
    needs: ["synth"],
    resource_group: env.name,
    variables: tfVariables(env),
    id_tokens: idTokens("drift", env),
    rules: [{ if: IF.schedule }],
    script: [
      `printf '%s\\n' "$CI_JOB_URL" > ${dir}/drift-job-url.txt`,
      ...tfPrelude(env, "drift"),
      // -refresh-only compares the live infrastructure with the state only: changes waiting in the code are not drift.
      // -detailed-exitcode: 0 no drift, 1 error, 2 drift.
      'set +e; "$TF" plan -input=false -refresh-only -lock=false -detailed-exitcode -out=drift.tfplan; code=$?; set -e',
      'if [ "$code" -eq 1 ]; then echo "drift check failed: plan error above"; exit 1; fi',
      '"$TF" show -json drift.tfplan > drift.json',
      `if [ "$code" -eq 2 ]; then echo "DRIFT in ${env.name}: resources changed outside Terraform; drift-report:${env.name} files the issue"; else echo "No drift in ${env.name}."; fi`,
    ],
    artifacts: {
      when: "always",
      access: artifactAccess(env),
      expire_in: PLAN_RETENTION,
      paths: [`${dir}/drift.json`, `${dir}/drift-job-url.txt`],
    },
  };
}

/** Files, updates or closes the environment's drift issue from the drift job's refresh-only plan. */
function driftReportJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  return {
    extends: ".node",
    stage: "drift",
    needs: [{ job: `drift:${env.name}`, artifacts: true }],
    rules: [{ if: IF.schedule }],
    script: [
      `npm run --silent ci:drift -- --env ${env.name} --plan ${dir}/drift.json --job-url "$(cat ${dir}/drift-job-url.txt)"`,
    ],
    // Drift: the issue is filed; the job shows a warning rather than failing the schedule.
    allow_failure: { exit_codes: [DRIFT_EXIT_CODE] },
  };
}

/** `init -backend=false`, `validate` and `test` with mock providers: no credentials, so forks run it too. */
function validateJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  return {
    extends: ".tf",
    stage: "plan",
    needs: ["synth"],
    variables: { TF_ROOT: dir },
    rules: [{ if: IF.mergeRequest }],
    script: [`sh ci/scripts/validate.sh ${dir}`],
    artifacts: { when: "always", expire_in: PLAN_RETENTION, paths: [`${dir}/validate-result.txt`] },
  };
}

/** Frees a lock left by a killed job: run by hand with LOCK_ID (shown in the failing job's error). */
function unlockJob(env: EnvironmentConfig): Job {
  return {
    extends: ".tf",
    stage: "deploy",
    needs: ["synth"],
    interruptible: false,
    variables: tfVariables(env),
    id_tokens: idTokens("unlock", env),
    // The deploy identity (it may write the lock): only as an access to the environment, by those who may deploy it.
    environment: { name: env.name, deployment_tier: env.deploy.tier, action: "access" },
    rules: [MANUAL_ON_DEFAULT_BRANCH],
    script: [
      ...tfPrelude(env, "unlock"),
      // LOCK_ID: the ID in the lock error, given as a variable when starting this manual job.
      `"$TF" force-unlock -force ${required("LOCK_ID")}`,
    ],
  };
}

/** Says why a fork's merge request has no plans, instead of plan jobs failing on missing credentials. */
export function forkNoticeJob(): Job {
  return {
    image: { name: "$TF_IMAGE", entrypoint: [""] },
    stage: "plan",
    needs: [],
    rules: [{ if: IF.fork }],
    script: [
      'echo "This merge request comes from a fork: its pipeline runs in the fork, without the cloud credentials of this project."',
      'echo "verify, synth and validate:<env> ran; the credentialed plan:<env> jobs are skipped, not failed."',
      'echo "A maintainer can run the plans by starting the merge request pipeline in the parent project (docs/gitlab-ci.md)."',
    ],
  };
}

/**
 * Every job of the environments but validate:<env>, in the order they are written. Each job's name
 * holds a colon (`plan:<env>`); the shared jobs' names do not.
 */
export function environmentJobs(environments: readonly EnvironmentConfig[]): Jobs {
  const pipeline: Jobs = {};
  for (const env of environments) pipeline[`plan:${env.name}`] = planJob(env);
  // A protected environment has no merge-request plan: its note is only the approver's, where the deploy is gated.
  for (const env of environments.filter((e) => !e.protect || e.deploy.gate === "manual")) {
    pipeline[`plan-comment:${env.name}`] = commentJob(env);
  }
  // Promotion order: a failed verify upstream (its canary included) blocks every deploy after it.
  // In a split pipeline the chain restarts in each group (a need cannot cross child pipelines).
  for (const [i, env] of environments.entries()) pipeline[`deploy:${env.name}`] = deployJob(env, environments[i - 1]);
  for (const env of environments) Object.assign(pipeline, environmentReleaseJobs(env));
  for (const env of environments) pipeline[`unlock:${env.name}`] = unlockJob(env);
  for (const env of environments) pipeline[`drift:${env.name}`] = driftJob(env);
  for (const env of environments) pipeline[`drift-report:${env.name}`] = driftReportJob(env);
  return pipeline;
}

/** The environments' jobs, validate:<env> included, keys in the order buildPipeline writes them. */
export function allEnvironmentJobs(environments: readonly EnvironmentConfig[]): Jobs {
  return { ...validateJobs(environments), ...environmentJobs(environments) };
}

/** validate:<env> of each environment. */
export function validateJobs(environments: readonly EnvironmentConfig[]): Jobs {
  return Object.fromEntries(environments.map((env) => [`validate:${env.name}`, validateJob(env)]));
}
