/**
 * What every OpenTofu/Terraform job of an environment shares: where its
 * stack is, how its state is reached, how long its plans are kept and who
 * may read them, and the prelude of its script.
 */
import type { EnvironmentConfig } from "../../lib/config/schema";
import { type IdentityPurpose, jobPurpose } from "../../lib/identity";
import { loginLines } from "./logins";
import type { Artifacts, Variables } from "./model";

/** How long a locking command waits for a lock held by another run before failing. */
export const LOCK_TIMEOUT = "10m";

/** How long the plan (and its rendered note) of a gated environment is kept: its approval window. */
export const GATED_PLAN_RETENTION = "30 days";

/** How long other plan, validate and drift artifacts are kept. */
export const PLAN_RETENTION = "1 week";

export function planRetention(env: EnvironmentConfig): string {
  return env.deploy.gate === "manual" ? GATED_PLAN_RETENTION : PLAN_RETENTION;
}

/** Where a stack's Terraform JSON (and its plan files) live in the job workspace. */
export function stackDir(environment: string): string {
  return `cdktf.out/stacks/${environment}`;
}

/**
 * Who may download a job's plan or drift artifacts. Plan files and plan JSON
 * hold secret values in clear text: Developers of an unprotected
 * environment already read them through its plan identity, but a protected
 * environment's are for the jobs that need them (`needs:` still passes them
 * on) and nobody else (docs/bootstrap.md, threat model).
 */
export function artifactAccess(env: EnvironmentConfig): NonNullable<Artifacts["access"]> {
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

export function tfVariables(env: EnvironmentConfig): Variables {
  return { TF_ROOT: stackDir(env.name), TF_STATE_NAME: env.name };
}
