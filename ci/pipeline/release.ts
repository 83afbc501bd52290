/**
 * The release jobs of `.gitlab-ci.yml` (docs/releasing.md):
 *
 *   build -> synth -> publish:<env> -> plan:<env> -> deploy:<env> -> verify:<env> -> promote:<env>
 *                                                      |              \-> auto-rollback:<env> (verify failed)
 *                                                      \-> plan-steps:<env> -> rollback:<env> (manual)
 *
 * promote, rollback and auto-rollback apply the plans plan-steps:<env> saved
 * in the same pipeline, and refuse when the environment runs another
 * pipeline's release by then.
 *
 * `build` runs on merge requests and the default branch (pushing only to the
 * GitLab project registry); `publish:<env>` and everything after it on the
 * default branch only; schedules build nothing. Long scripts live in
 * ci/release/ so an operator runs the same steps from a laptop.
 */

import { cloudBackendJson, environmentStateLocation } from "../../lib/backend";
import { edgeHostname } from "../../lib/config/company";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { type ReleaseStep, rolloutSteps } from "../../lib/release";
import { IMAGES, imageReference } from "../images";
import { cloudflareLoginLines, cloudLoginLines, idTokens, loginLines } from "./logins";
import type { Job, Jobs, Rule } from "./model";
import { IF, MANUAL_ON_DEFAULT_BRANCH } from "./rules";
import {
  artifactAccess,
  GATED_PLAN_RETENTION,
  LOCK_TIMEOUT,
  stackDir,
  stateLines,
  tfPrelude,
  tfVariables,
} from "./terraform";

/**
 * BuildKit rootless: builds the Dockerfile with no Docker daemon and no
 * privileged container (kaniko's upstream is archived; Docker-in-Docker needs
 * a privileged service). `buildctl-daemonless.sh` starts buildkitd for the job.
 */
export const BUILD_IMAGE = imageReference(IMAGES.buildkit);
/**
 * The publish job's tool image (ci/tools/publish/Dockerfile: crane, the AWS
 * CLI, curl, jq at fixed versions), built by `build` and named by digest in
 * its dotenv report: publish installs nothing while it holds cloud tokens.
 */
export const PUBLISH_TOOLS_IMAGE = "$PUBLISH_TOOLS_IMAGE";

/** Where a rollout step's stack lives in the synth artifact (ci/release/synth.sh). */
export function stepStackDir(step: Step, environment: string): string {
  return `cdktf.out/steps/${step}/stacks/${environment}`;
}

export function buildJob(): Job {
  return {
    stage: "build",
    image: { name: "$BUILD_IMAGE", entrypoint: [""] },
    interruptible: true,
    // Rootless BuildKit in an unprivileged container: no nested process sandbox.
    variables: { BUILDKITD_FLAGS: "--oci-worker-no-process-sandbox" },
    // Not in fork merge requests: the fork's project may have no registry; synth then uses the default image.
    rules: [{ if: IF.fork, when: "never" }, { if: IF.mergeRequest }, { if: IF.defaultBranch }],
    script: ["sh ci/release/build.sh"],
    artifacts: { expire_in: "1 week", paths: ["release.env"], reports: { dotenv: "release.env" } },
  };
}

export function publishJob(env: EnvironmentConfig): Job {
  return {
    stage: "publish",
    image: { name: PUBLISH_TOOLS_IMAGE, entrypoint: [""] },
    needs: [
      { job: "build", artifacts: true },
      { job: "synth", artifacts: true },
    ],
    rules: [{ if: IF.defaultBranch }],
    // The publish identity of this environment: it can push to the environment's registries and nothing else.
    id_tokens: idTokens("publish", env),
    environment: { name: env.name, action: "prepare" },
    script: [
      // Cloud credentials only: publishing needs no Cloudflare token.
      ...loginLines(env, "publish").filter((line) => !line.includes("CLOUDFLARE_API_TOKEN")),
      `sh ci/release/publish.sh --env ${env.name}`,
    ],
  };
}

/** Where synth finds each environment's stable release (`RELEASE_STABLE_DIR` of ci/release/synth.sh). */
export const STABLE_DIR = ".release-stable";

/**
 * The stable release of an environment whose state is in its own cloud
 * (`backend: cloud`, every protected one): read on the default branch
 * with its plan identity, before synth, from an empty folder holding only
 * the backend block. Only the `release` output (ids and digests, nothing
 * secret) leaves the job, as `<env>.json`, or `<env>.none` when the state
 * has no release yet; the other outputs go to a temporary file that is
 * removed. A failure to read the state fails the job (and synth with it),
 * never a silent first deploy. Merge-request pipelines have no such job:
 * neither the state nor the plan identity is within their reach.
 */
export function stableJob(env: EnvironmentConfig): Job {
  const location = environmentStateLocation(env);
  if (location === undefined) throw new Error(`stable:${env.name}: the environment's state is not in its cloud`);
  const backend = JSON.stringify({ terraform: { backend: cloudBackendJson(location) } });
  // Only the token and credentials of the cloud that holds the state.
  const stateOnly: EnvironmentConfig = { ...env, clouds: [location.cloud] };
  const out = `"$root/${STABLE_DIR}/${env.name}`;
  return {
    extends: ".tf",
    stage: "build",
    needs: [],
    interruptible: true,
    variables: { TF_ROOT: `.stable-state/${env.name}` },
    id_tokens: idTokens("stable", stateOnly),
    rules: [{ if: IF.defaultBranch }],
    script: [
      'TF="$(command -v tofu || command -v terraform)" && "$TF" version',
      // The job's folder: where the artifact is collected from.
      'root="$(pwd)"',
      `mkdir -p "$TF_ROOT" "$root/${STABLE_DIR}" && cd "$TF_ROOT"`,
      `printf '%s\\n' '${backend}' > backend.tf.json`,
      ...cloudLoginLines(stateOnly, "plan"),
      '"$TF" init -input=false',
      'outputs="$(mktemp)"',
      '"$TF" output -json > "$outputs"',
      `if jq -e .release.value "$outputs" > ${out}.json"; then echo "${env.name}: stable release $(jq -r .id ${out}.json")"; else rm -f ${out}.json"; echo "${env.name}: no release in state yet" | tee ${out}.none"; fi`,
      'rm -f "$outputs"',
    ],
    artifacts: {
      expire_in: "1 week",
      // One pattern: exactly one of <env>.json and <env>.none exists.
      paths: [`${STABLE_DIR}/${env.name}.*`],
    },
  };
}

/**
 * The outputs of an environment whose state is in its own cloud, for
 * verify:<env> (endpoints and the origin secret): read with the plan
 * identity after the deploy. The file holds the origin secret: artifact
 * access `none`, like plan files; `needs:` still hands it to verify.
 */
export function outputsJob(env: EnvironmentConfig): Job {
  const dir = stackDir(env.name);
  return {
    extends: ".tf",
    // The deploy stage, like verify, which the next environment's deploy needs (a need cannot reach a later stage).
    stage: "deploy",
    needs: [
      { job: "synth", artifacts: true },
      { job: `deploy:${env.name}`, artifacts: false },
    ],
    variables: tfVariables(env),
    id_tokens: idTokens("outputs", env),
    rules: [{ if: IF.defaultBranch }],
    script: [...tfPrelude(env, "outputs"), '"$TF" output -json > outputs.json'],
    artifacts: { access: "none", expire_in: "1 day", paths: [`${dir}/outputs.json`] },
  };
}

export function verifyJob(env: EnvironmentConfig): Job {
  const inCloud = environmentStateLocation(env) !== undefined;
  return {
    extends: ".node",
    // The deploy stage: the next environment's deploy needs it (promotion order), and a need cannot reach a later stage.
    stage: "deploy",
    needs: [
      { job: "build", artifacts: true },
      { job: `deploy:${env.name}`, artifacts: false },
      ...(inCloud ? [{ job: `outputs:${env.name}`, artifacts: true }] : []),
    ],
    rules: [{ if: IF.defaultBranch }],
    // Endpoints and the origin secret: from outputs:<env> (state in the environment's cloud),
    // else from GitLab-managed state with the job token (like plan); a canary's analysis reads the
    // edge's Analytics Engine signal with the plan token (Account Analytics Read).
    script: [
      ...(hasCanary(env) ? cloudflareLoginLines(env, "plan") : []),
      `npm run --silent release:verify -- --env ${env.name}${inCloud ? ` --outputs ${stackDir(env.name)}/outputs.json` : ""}`,
    ],
  };
}

/** A rollout step a job applies after the deploy. */
type Step = Exclude<ReleaseStep, "canary">;

/** The environment's rollout steps after its deploy (lib/release.ts): promote only where a canary splits traffic. */
function stepsOf(env: EnvironmentConfig): Step[] {
  return rolloutSteps(env).filter((step): step is Step => step !== "canary");
}

/** Whether the environment's rollout has a canary to analyse and promote. */
function hasCanary(env: EnvironmentConfig): boolean {
  return stepsOf(env).includes("promote");
}

/**
 * Plans the environment's promote and rollback steps right after its deploy,
 * in the pipeline that deployed: the saved plan files are what promote:<env>
 * and rollback:<env> apply, and each plan is printed in the log (`show`,
 * OpenTofu's own redacted text) and kept as `<step>.txt` for the reviewer.
 * Plan identity: nothing is written. A saved plan goes stale when the state
 * changes (OpenTofu refuses it): after a promote, retry this job before a
 * manual rollback.
 */
export function planStepsJob(env: EnvironmentConfig): Job {
  const steps = stepsOf(env);
  return {
    extends: ".tf",
    stage: "check",
    needs: [
      { job: "synth", artifacts: true },
      { job: `deploy:${env.name}`, artifacts: false },
    ],
    resource_group: env.name,
    interruptible: false,
    variables: tfVariables(env),
    id_tokens: idTokens("plan", env),
    rules: [{ if: IF.defaultBranch }],
    script: [
      'TF="$(command -v tofu || command -v terraform)" && "$TF" version',
      // The job's folder, to enter each step's stack from.
      'root="$(pwd)"',
      ...loginLines(env, "plan"),
      ...steps.flatMap((step) => [
        `cd "$root/${stepStackDir(step, env.name)}"`,
        ...stateLines(env),
        '"$TF" init -input=false',
        `"$TF" plan -input=false -lock-timeout=${LOCK_TIMEOUT} -out=${step}.tfplan`,
        `"$TF" show -json ${step}.tfplan > ${step}.json`,
        `echo "Plan of ${step}:${env.name}, applied as saved by ${step}:${env.name}:"`,
        `"$TF" show -no-color ${step}.tfplan | tee ${step}.txt`,
      ]),
    ],
    artifacts: {
      name: `plan-steps:${env.name}`,
      access: artifactAccess(env),
      expire_in: GATED_PLAN_RETENTION,
      expose_as: `rollout plans ${env.name}`,
      paths: steps.flatMap((step) => {
        const dir = stepStackDir(step, env.name);
        return [`${dir}/${step}.tfplan`, `${dir}/${step}.json`, `${dir}/${step}.txt`, `${dir}/.terraform.lock.hcl`];
      }),
    },
  };
}

/** Where plan-steps-note:<env> renders the environment's rollout plans. */
export function stepsNotePath(environment: string): string {
  return `cdktf.out/steps/${environment}-steps-note.md`;
}

/**
 * Shows the plans plan-steps:<env> saved, in the environment's note's place:
 * on the default branch the rendered note (an artifact, as the gated plan
 * note is), in the log too. A node job after it: the OpenTofu image has no
 * node. Fails when the note cannot be written, like plan-comment:<env>.
 */
export function planStepsNoteJob(env: EnvironmentConfig): Job {
  const steps = stepsOf(env);
  const out = stepsNotePath(env.name);
  const plans = steps.map((step) => `--step ${step}=${stepStackDir(step, env.name)}/${step}.json`).join(" ");
  return {
    extends: ".node",
    stage: "check",
    needs: [{ job: `plan-steps:${env.name}`, artifacts: true }],
    rules: [{ if: IF.defaultBranch }],
    script: [
      `npm run --silent ci:steps-note -- --env ${env.name} ${plans} --job-url "$CI_JOB_URL" --out ${out}`,
      `cat ${out}`,
    ],
    artifacts: {
      name: `plan-steps-note:${env.name}`,
      access: artifactAccess(env),
      expire_in: GATED_PLAN_RETENTION,
      expose_as: `rollout plans note ${env.name}`,
      paths: [out],
    },
  };
}

/**
 * Lines that refuse to apply a step from an outdated pipeline: the
 * environment must still run this pipeline's release (its state's
 * `release_deployed` output), or a newer pipeline deployed since.
 */
function currentReleaseLines(env: EnvironmentConfig, step: Step, job: string): string[] {
  return [
    `deployed="$("$TF" output -json release_deployed | jq -r '.id // empty')"`,
    `if [ "$deployed" != "\${RELEASE_ID:?RELEASE_ID comes from the build job}" ]; then echo "${job}:${env.name} refused: ${env.name} runs release \${deployed:-none}, not $RELEASE_ID of this pipeline; ${step} from the pipeline that deployed it." >&2; exit 1; fi`,
  ];
}

/**
 * Applies the saved plan of `step` from plan-steps:<env>. `auto-rollback`
 * is the rollback that runs by itself when verify:<env> fails.
 */
function stepJob(env: EnvironmentConfig, step: Step, trigger: "verified" | "manual" | "verify-failed"): Job {
  const name = trigger === "verify-failed" ? "auto-rollback" : step;
  const rules: Rule[] =
    trigger === "manual"
      ? [MANUAL_ON_DEFAULT_BRANCH]
      : trigger === "verify-failed"
        ? [{ if: IF.defaultBranch, when: "on_failure" }]
        : [{ if: IF.defaultBranch }];
  return {
    extends: ".tf",
    stage: "release",
    needs: [
      { job: "synth", artifacts: true },
      { job: "build", artifacts: true },
      ...(trigger === "manual" && step === "rollback" ? [] : [{ job: `verify:${env.name}`, artifacts: false }]),
      { job: `plan-steps:${env.name}`, artifacts: true },
    ],
    resource_group: env.name,
    interruptible: false,
    variables: { ...tfVariables(env), TF_ROOT: stepStackDir(step, env.name) },
    id_tokens: idTokens(name, env),
    environment: {
      name: env.name,
      deployment_tier: env.deploy.tier,
      url: `https://${edgeHostname(env.cloudflare.domain)}`,
    },
    rules,
    script: [
      ...tfPrelude(env, name),
      ...currentReleaseLines(env, step, name),
      `"$TF" apply -input=false -lock-timeout=${LOCK_TIMEOUT} ${step}.tfplan`,
    ],
  };
}

/** Every release job of one environment, by name; promote only where a canary splits traffic. */
export function environmentReleaseJobs(env: EnvironmentConfig): Jobs {
  const jobs: Jobs = {
    [`publish:${env.name}`]: publishJob(env),
    ...(environmentStateLocation(env) === undefined ? {} : { [`outputs:${env.name}`]: outputsJob(env) }),
    [`verify:${env.name}`]: verifyJob(env),
  };
  jobs[`plan-steps:${env.name}`] = planStepsJob(env);
  jobs[`plan-steps-note:${env.name}`] = planStepsNoteJob(env);
  if (hasCanary(env)) {
    jobs[`promote:${env.name}`] = stepJob(env, "promote", env.deploy.gate === "manual" ? "manual" : "verified");
  }
  jobs[`rollback:${env.name}`] = stepJob(env, "rollback", "manual");
  jobs[`auto-rollback:${env.name}`] = stepJob(env, "rollback", "verify-failed");
  return jobs;
}
