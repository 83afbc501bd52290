/**
 * Builds `.gitlab-ci.yml` from the validated environments and the identity
 * module. The file is generated, not hand-written, because every environment
 * needs the same four jobs with its own gate, tier, URL, state backend,
 * id_tokens and CI/CD variable names: generated, adding an environment cannot
 * forget a job, and the variable names cannot drift from `lib/identity.ts`.
 * `npm run ci:pipeline` rewrites the file; a test fails when the committed
 * file differs from what this module builds.
 *
 * Shape (see docs/gitlab-ci.md):
 *   verify -> synth -> validate:<env>                      merge requests, forks too (no credentials)
 *   verify -> synth -> plan:<env> -> plan-comment:<env>   merge requests (not forks: fork-notice)
 *   verify -> synth -> plan:<env> -> deploy:<env>         default branch (gated: plan-comment renders the note)
 *                                    unlock:<env>          default branch, manual
 *             synth -> drift:<env> -> drift-report:<env>  schedules
 */
import { Document, isMap, isScalar } from "yaml";
import { environmentStateLocation } from "../../lib/backend";
import { NOTE_TOKEN } from "../../lib/bootstrap/variables";
import { edgeHostname } from "../../lib/config/company";
import type { Cloud, EnvironmentConfig } from "../../lib/config/schema";
import { ID_TOKENS, type IdentityPurpose, identityVariables, jobIdTokens, jobPurpose } from "../../lib/identity";
import { IMAGES, imageReference } from "../images";
import { BUILD_IMAGE, buildJob, environmentReleaseJobs, RELEASE_STAGES, stableJob } from "./release";

/** Node image of the jobs that run npm (its git is needed by the pipeline tests). */
export const NODE_IMAGE = imageReference(IMAGES.node);
/**
 * Image of the jobs that run OpenTofu: GitLab's OpenTofu component image
 * (`tofu`, a shell, git, jq). Terraform: set TF_IMAGE to e.g.
 * `hashicorp/terraform:1.13`; the jobs use whichever of `tofu` or `terraform`
 * the image has.
 */
export const TF_IMAGE = imageReference(IMAGES.opentofu);
/** Masked CI/CD variable holding the project access token (api scope) that writes the plan notes. */
export const NOTE_TOKEN_VARIABLE = NOTE_TOKEN;

/** Rule conditions, named once so jobs and tests agree. */
export const IF = {
  mergeRequest: '$CI_PIPELINE_SOURCE == "merge_request_event"',
  schedule: '$CI_PIPELINE_SOURCE == "schedule"',
  defaultBranch: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"',
  /** A merge-request pipeline running in a fork: none of this project's CI/CD variables (credentials) exist there. */
  fork: '$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_PROJECT_ID != $CI_MERGE_REQUEST_PROJECT_ID',
} as const;

/**
 * A job an operator may start on the default branch. `allow_failure: true`:
 * a manual job that is not started does not hold the pipeline "blocked", so a
 * default-branch pipeline ends "passed" with its optional clicks pending.
 */
export const MANUAL_ON_DEFAULT_BRANCH = { if: IF.defaultBranch, when: "manual", allow_failure: true } as const;

/** npm's download cache, keyed by the lockfile; only verify writes it. */
const NPM_CACHE = { key: { files: ["package-lock.json"], prefix: "npm" }, paths: [".npm/"], policy: "pull" };

/**
 * The esbuild bundles that bin/run.cjs, the edge Worker and the function zips
 * reuse by content hash (a stale entry only costs a rebuild): a job restoring
 * them skips esbuild. Synth writes it.
 */
const BUNDLE_CACHE = { key: "bundles", paths: [".gen/", "dist/functions/"], policy: "pull" };

/** How long a locking command waits for a lock held by another run before failing. */
export const LOCK_TIMEOUT = "10m";

/** How long the plan (and its rendered note) of a gated environment is kept: its approval window. */
export const GATED_PLAN_RETENTION = "30 days";

/** How long other plan, validate and drift artifacts are kept. */
const PLAN_RETENTION = "1 week";

function planRetention(env: EnvironmentConfig): string {
  return env.deploy.gate === "manual" ? GATED_PLAN_RETENTION : PLAN_RETENTION;
}

/** Where a stack's Terraform JSON (and its plan files) live in the job workspace. */
export function stackDir(environment: string): string {
  return `cdktf.out/stacks/${environment}`;
}

export type Job = Record<string, unknown>;

/** `${NAME:?...}`: the shell stops with this message when a required CI/CD variable is missing. */
function required(variable: string): string {
  return `"\${${variable}:?set the CI/CD variable ${variable} (docs/gitlab-ci.md)}"`;
}

/** Shell lines that turn the jobs' id_tokens into credentials each provider reads from its environment. */
export function loginLines(env: EnvironmentConfig, purpose: IdentityPurpose): string[] {
  const vars = identityVariables(env.name, purpose);
  const lines: string[] = [];
  const clouds: readonly Cloud[] = env.clouds;
  if (clouds.includes("aws")) {
    lines.push(
      `export AWS_ROLE_ARN=${required(vars.aws.roleArn)}`,
      `export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)" AWS_ROLE_SESSION_NAME="gitlab-\${CI_PROJECT_ID}-\${CI_JOB_ID}"`,
      `printf '%s' "$${ID_TOKENS.aws.variable}" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`,
    );
  }
  if (clouds.includes("azure")) {
    // azurerm reads the token itself from ARM_OIDC_TOKEN, the id_token's variable.
    lines.push(
      `export ARM_USE_OIDC=true ARM_CLIENT_ID=${required(vars.azure.clientId)} ARM_TENANT_ID=${required(vars.azure.tenantId)}`,
    );
  }
  if (clouds.includes("gcp")) {
    // An external_account credential file: Google's libraries exchange the token file for an access token.
    lines.push(
      `GCP_TOKEN_FILE="$(mktemp)" && printf '%s' "$${ID_TOKENS.gcp.variable}" > "$GCP_TOKEN_FILE"`,
      `export GOOGLE_APPLICATION_CREDENTIALS="$(mktemp)"`,
      `printf '{"type":"external_account","audience":"//iam.googleapis.com/%s","subject_token_type":"urn:ietf:params:oauth:token-type:jwt","token_url":"https://sts.googleapis.com/v1/token","service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/%s:generateAccessToken","credential_source":{"file":"%s"}}' ${required(vars.gcp.workloadIdentityProvider)} ${required(vars.gcp.serviceAccount)} "$GCP_TOKEN_FILE" > "$GOOGLE_APPLICATION_CREDENTIALS"`,
    );
  }
  lines.push(`export CLOUDFLARE_API_TOKEN=${required(vars.cloudflare.apiToken)}`);
  return lines;
}

/** The id_tokens block of job `job` (`plan`, `deploy`, ...) of `env`: its own audiences, one per enabled cloud. */
export function idTokens(job: string, env: EnvironmentConfig): Record<string, { readonly aud: string }> {
  return jobIdTokens(job, env.name, env.clouds);
}

/**
 * Who may download a job's plan or drift artifacts. Plan files and plan JSON
 * hold secret values in clear text: Developers of an unprotected
 * environment already read them through its plan identity, but a protected
 * environment's are for the jobs that need them (`needs:` still passes them
 * on) and nobody else (docs/bootstrap.md, threat model).
 */
export function artifactAccess(env: EnvironmentConfig): "developer" | "none" {
  return env.protect ? "none" : "developer";
}

/**
 * Shell lines that select the state of the environment. GitLab-managed state
 * (`http`) gets every TF_HTTP_* value from the environment, never from a file.
 * `local` state (a developer's laptop default) would be lost with the job's
 * workspace, so CI stores it in GitLab-managed state too, through an override
 * file that only says `backend "http" {}`. Other backends authenticate
 * through the cloud credentials.
 */
export function stateLines(env: EnvironmentConfig): string[] {
  const lines: string[] = [];
  if (env.backend.type === "local") {
    lines.push(`printf '%s\\n' '{"terraform":{"backend":{"http":{}}}}' > backend_override.tf.json`);
  }
  if (env.backend.type === "local" || env.backend.type === "http") {
    lines.push(
      'export TF_HTTP_ADDRESS="$CI_API_V4_URL/projects/$CI_PROJECT_ID/terraform/state/$TF_STATE_NAME"',
      'export TF_HTTP_LOCK_ADDRESS="$TF_HTTP_ADDRESS/lock" TF_HTTP_UNLOCK_ADDRESS="$TF_HTTP_ADDRESS/lock"',
      "export TF_HTTP_LOCK_METHOD=POST TF_HTTP_UNLOCK_METHOD=DELETE TF_HTTP_RETRY_WAIT_MIN=5",
      'export TF_HTTP_USERNAME=gitlab-ci-token TF_HTTP_PASSWORD="$CI_JOB_TOKEN"',
    );
  }
  return lines;
}

/** Common first lines of every OpenTofu/Terraform job: pick the binary, enter the stack, state, credentials, init. */
export function tfPrelude(env: EnvironmentConfig, job: string): string[] {
  const purpose: IdentityPurpose = jobPurpose(job);
  return [
    'TF="$(command -v tofu || command -v terraform)" && "$TF" version',
    'cd "$TF_ROOT"',
    ...stateLines(env),
    ...loginLines(env, purpose),
    '"$TF" init -input=false',
  ];
}

export function tfVariables(env: EnvironmentConfig): Record<string, string> {
  return { TF_ROOT: stackDir(env.name), TF_STATE_NAME: env.name };
}

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
      ...(env.protect ? [] : [{ if: IF.mergeRequest, when: "always" }]),
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
    // Exit 2 = drift: the issue is filed; the job shows a warning rather than failing the schedule.
    allow_failure: { exit_codes: [2] },
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

/** The whole pipeline as a plain object, keys in the order they are written. */
export function buildPipeline(environments: readonly EnvironmentConfig[]): Record<string, unknown> {
  const pipeline = sharedPipeline(environments);
  for (const env of environments) pipeline[`validate:${env.name}`] = validateJob(env);
  pipeline["fork-notice"] = forkNoticeJob();
  Object.assign(pipeline, environmentJobs(environments));
  return pipeline;
}

/**
 * Every job of the environments but validate:<env>, in the order they are written. Each job's name
 * holds a colon (`plan:<env>`); the shared jobs' names do not.
 */
function environmentJobs(environments: readonly EnvironmentConfig[]): Record<string, Job> {
  const pipeline: Record<string, Job> = {};
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
export function allEnvironmentJobs(environments: readonly EnvironmentConfig[]): Record<string, Job> {
  const jobs: Record<string, Job> = {};
  for (const env of environments) jobs[`validate:${env.name}`] = validateJob(env);
  return Object.assign(jobs, environmentJobs(environments));
}

/**
 * workflow, stages, variables, the .node and .tf templates, and the jobs every environment needs first:
 * verify, build, stable:<env> (each environment whose state is in its own cloud), synth.
 */
export function sharedPipeline(environments: readonly EnvironmentConfig[]): Record<string, unknown> {
  const inCloud = environments.filter((env) => environmentStateLocation(env) !== undefined);
  return {
    workflow: {
      rules: [
        { if: IF.mergeRequest },
        { if: IF.schedule },
        // A branch with an open merge request runs the merge-request pipeline only.
        { if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" },
        { if: "$CI_COMMIT_BRANCH" },
      ],
      auto_cancel: { on_new_commit: "interruptible" },
    },
    stages: [
      "verify",
      RELEASE_STAGES.build,
      "synth",
      RELEASE_STAGES.publish,
      "plan",
      "comment",
      "deploy",
      RELEASE_STAGES.check,
      RELEASE_STAGES.release,
      "drift",
    ],
    variables: {
      NODE_IMAGE: { value: NODE_IMAGE, description: "Image of the npm jobs (verify, synth, plan-comment)." },
      TF_IMAGE: {
        value: TF_IMAGE,
        description:
          "Image with tofu or terraform. Terraform: hashicorp/terraform:1.13 (the jobs use whichever binary the image has).",
      },
      BUILD_IMAGE: { value: BUILD_IMAGE, description: "Image of the build job: BuildKit rootless (no Docker daemon)." },
      TF_IN_AUTOMATION: "true",
      TF_INPUT: "false",
      TF_PLUGIN_CACHE_DIR: "$CI_PROJECT_DIR/.tf-plugin-cache",
    },
    ".node": {
      image: "$NODE_IMAGE",
      interruptible: true,
      cache: [NPM_CACHE, BUNDLE_CACHE],
      // No dependency needs its install script (docs/gitlab-ci.md, "Supply chain").
      before_script: ["npm ci --ignore-scripts --cache .npm --prefer-offline --no-audit --no-fund"],
    },
    ".tf": {
      image: { name: "$TF_IMAGE", entrypoint: [""] },
      interruptible: true,
      // Provider versions are pinned by the cdktf bindings, so package-lock.json keys the plugin cache too.
      cache: { key: { files: ["package-lock.json"], prefix: "tf-plugins" }, paths: [".tf-plugin-cache/"] },
      before_script: ['mkdir -p "$TF_PLUGIN_CACHE_DIR"'],
    },
    verify: {
      extends: ".node",
      stage: "verify",
      // The npm cache is written here once per lockfile; the other jobs only read it.
      cache: [{ ...NPM_CACHE, policy: "pull-push" }, BUNDLE_CACHE],
      rules: [{ if: IF.schedule, when: "never" }, { when: "on_success" }],
      script: ["npm run typecheck", "npm run lint", "npx jest --ci --coverage"],
      coverage: "/^Statements\\s*:\\s*(\\d+(?:\\.\\d+)?)%/",
      artifacts: {
        when: "always",
        expire_in: "1 week",
        reports: {
          junit: "reports/junit.xml",
          coverage_report: { coverage_format: "cobertura", path: "reports/coverage/cobertura-coverage.xml" },
        },
      },
    },
    build: buildJob(),
    ...Object.fromEntries(inCloud.map((env) => [`stable:${env.name}`, stableJob(env)])),
    synth: {
      extends: ".node",
      stage: "synth",
      // Synth builds the bundles (bin/run.cjs, the function zips) and keeps them for the next pipeline.
      cache: [NPM_CACHE, { ...BUNDLE_CACHE, policy: "pull-push" }],
      // The build's release.env (RELEASE_ID, IMAGE_DIGEST) names the release the stacks deploy.
      // stable:<env>: the stable release of each environment whose state is in its own cloud (default branch).
      needs: [
        { job: "verify", optional: true },
        { job: "build", optional: true, artifacts: true },
        ...inCloud.map((env) => ({ job: `stable:${env.name}`, optional: true, artifacts: true })),
      ],
      // The mock-provider test files go next to each stack, for validate:<env> (its image has no Node).
      script: ["sh ci/release/synth.sh", "npm run --silent ci:mocks"],
      artifacts: { expire_in: "1 week", paths: ["cdktf.out/"] },
    },
  };
}

const HEADER = ` Generated by \`npm run ci:pipeline\` from ci/pipeline/pipeline.ts, environments/ and
 lib/identity.ts. Do not edit by hand: change those and run the command again
 (a test fails when this file is out of date). docs/gitlab-ci.md explains it.`;

/** `.gitlab-ci.yml` text of the single pipeline of the environments (ci/pipeline/children.ts splits a large one). */
export function renderPipeline(environments: readonly EnvironmentConfig[]): string {
  return renderYaml(buildPipeline(environments), HEADER);
}

/** A pipeline object as YAML under `header`, a blank line between top-level entries. */
export function renderYaml(pipeline: Record<string, unknown>, header: string): string {
  // No anchors: each job reads whole, even where jobs share one rule object.
  const doc = new Document(pipeline, { aliasDuplicateObjects: false });
  doc.commentBefore = header;
  // A blank line between top-level entries, so each job reads as a block.
  if (isMap(doc.contents)) {
    for (const [index, pair] of doc.contents.items.entries()) {
      if (index > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    }
  }
  return doc.toString({ lineWidth: 0 });
}
