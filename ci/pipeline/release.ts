/**
 * The release jobs of `.gitlab-ci.yml` (docs/releasing.md):
 *
 *   build -> synth -> registries:<env> -> publish:<env> -> plan:<env> -> deploy:<env> -> verify:<env> -> promote:<env>
 *                                                        \-> rollback:<env> (manual, any time after deploy)
 *
 * `build` runs on merge requests and the default branch (pushing only to the
 * GitLab project registry); `publish:<env>` and everything after it on the
 * default branch only; schedules build nothing. Long scripts live in
 * ci/release/ so an operator runs the same steps from a laptop.
 */
import { edgeHostname } from "../../lib/config/company";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { IF, idTokens, type Job, LOCK_TIMEOUT, loginLines, stackDir, tfPrelude, tfVariables } from "./pipeline";

/**
 * BuildKit rootless: builds the Dockerfile with no Docker daemon and no
 * privileged container (kaniko's upstream is archived; Docker-in-Docker needs
 * a privileged service). `buildctl-daemonless.sh` starts buildkitd for the job.
 */
export const BUILD_IMAGE = "moby/buildkit:v0.23.2-rootless";
/** A maintained distribution image; the job adds crane, the AWS CLI, curl and jq from its packages. */
export const PUBLISH_IMAGE = "alpine:3.22";

/** Where a rollout step's stack lives in the synth artifact (ci/release/synth.sh). */
export function stepStackDir(step: "promote" | "rollback", environment: string): string {
  return `cdktf.out/steps/${step}/${stackDir(environment)}`;
}

export const RELEASE_STAGES = { build: "build", publish: "publish", check: "check", release: "release" } as const;

export function buildJob(): Job {
  return {
    stage: RELEASE_STAGES.build,
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

/**
 * First deploy: creates the environment's registries when they are not in
 * state yet (ci/release/registries.sh), so publish has somewhere to copy to
 * before the first plan. Does nothing once they exist.
 */
/** `../..` back from a folder relative to the repository root. */
function upToRoot(dir: string): string {
  return dir
    .split("/")
    .map(() => "..")
    .join("/");
}

export function registriesJob(env: EnvironmentConfig): Job {
  return {
    extends: ".tf",
    stage: RELEASE_STAGES.publish,
    needs: [{ job: "synth", artifacts: true }],
    resource_group: env.name,
    interruptible: false,
    variables: { ...tfVariables(env), TF_LOCK_TIMEOUT: LOCK_TIMEOUT },
    id_tokens: idTokens("registries", env),
    // The deploy trust requires the environment claim; `prepare`: not a deployment of its own.
    environment: { name: env.name, action: "prepare" },
    rules: [{ if: IF.defaultBranch }],
    // The prelude enters the stack folder: the script is found relative to it.
    script: [...tfPrelude(env, "registries"), `sh ${upToRoot(stackDir(env.name))}/ci/release/registries.sh`],
  };
}

export function publishJob(env: EnvironmentConfig): Job {
  return {
    stage: RELEASE_STAGES.publish,
    image: { name: "$PUBLISH_IMAGE", entrypoint: [""] },
    needs: [
      { job: "build", artifacts: true },
      { job: "synth", artifacts: true },
      { job: `registries:${env.name}`, artifacts: false },
    ],
    rules: [{ if: IF.defaultBranch }],
    // The deploy identity of this environment: it can push to the environment's registries.
    id_tokens: idTokens("publish", env),
    environment: { name: env.name, action: "prepare" },
    before_script: ["apk add --no-cache crane aws-cli curl jq"],
    script: [
      // Cloud credentials only: publishing needs no Cloudflare token.
      ...loginLines(env, "deploy").filter((line) => !line.includes("CLOUDFLARE_API_TOKEN")),
      `sh ci/release/publish.sh --env ${env.name}`,
    ],
  };
}

export function verifyJob(env: EnvironmentConfig): Job {
  return {
    extends: ".node",
    stage: RELEASE_STAGES.check,
    needs: [
      { job: "build", artifacts: true },
      { job: `deploy:${env.name}`, artifacts: false },
    ],
    rules: [{ if: IF.defaultBranch }],
    // Reads endpoints and the origin secret from GitLab-managed state with the job token (like plan).
    script: [`npm run --silent release:verify -- --env ${env.name}`],
  };
}

function stepJob(env: EnvironmentConfig, step: "promote" | "rollback"): Job {
  const manual = step === "rollback" || env.deploy.gate === "manual";
  return {
    extends: ".tf",
    stage: RELEASE_STAGES.release,
    needs:
      step === "promote"
        ? [
            { job: "synth", artifacts: true },
            { job: `verify:${env.name}`, artifacts: false },
          ]
        : [
            { job: "synth", artifacts: true },
            { job: `deploy:${env.name}`, artifacts: false },
          ],
    resource_group: env.name,
    interruptible: false,
    variables: { ...tfVariables(env), TF_ROOT: stepStackDir(step, env.name) },
    id_tokens: idTokens(step, env),
    environment: {
      name: env.name,
      deployment_tier: env.deploy.tier,
      url: `https://${edgeHostname(env.cloudflare.domain)}`,
    },
    rules: [manual ? { if: IF.defaultBranch, when: "manual" } : { if: IF.defaultBranch }],
    script: [
      ...tfPrelude(env, step),
      `"$TF" plan -input=false -lock-timeout=${LOCK_TIMEOUT} -out=${step}.tfplan`,
      `"$TF" apply -input=false -lock-timeout=${LOCK_TIMEOUT} ${step}.tfplan`,
    ],
  };
}

/** Every release job of one environment, by name; promote only where a canary splits traffic. */
export function environmentReleaseJobs(env: EnvironmentConfig): Record<string, Job> {
  const jobs: Record<string, Job> = {
    [`registries:${env.name}`]: registriesJob(env),
    [`publish:${env.name}`]: publishJob(env),
    [`verify:${env.name}`]: verifyJob(env),
  };
  if (env.canaryPercent > 0) jobs[`promote:${env.name}`] = stepJob(env, "promote");
  jobs[`rollback:${env.name}`] = stepJob(env, "rollback");
  return jobs;
}
