/**
 * How a job logs in to each cloud: its OIDC `id_tokens` (lib/identity.ts)
 * and the shell lines that turn them into credentials each provider reads
 * from its environment. One entry per cloud of the registry
 * (lib/stacks/clouds.ts): a cloud added there without a login here is a
 * type error. Cloudflare has no federation: a masked API token per
 * environment and purpose.
 */
import type { EnvironmentConfig } from "../../lib/config/schema";
import { CLOUDS } from "../../lib/config/schema";
import type { CloudRegistry } from "../../lib/contract/cloud";
import {
  ID_TOKENS,
  type IdentityPurpose,
  type IdentityVariables,
  identityVariables,
  jobIdTokens,
} from "../../lib/identity";
import type { IdTokens } from "./model";

/** `${NAME:?...}`: the shell stops with this message when a required CI/CD variable is missing. */
export function required(variable: string): string {
  return `"\${${variable}:?set the CI/CD variable ${variable} (docs/gitlab-ci.md)}"`;
}

type CloudName = keyof CloudRegistry;

/**
 * Lines that log in to one cloud: `vars` are the CI/CD variable names of the
 * identity to assume, `token` the job variable GitLab fills with the cloud's
 * id_token (`ID_TOKENS`).
 */
type CloudLogin<C extends CloudName> = (vars: IdentityVariables[C], token: string) => readonly string[];

/** The login of each cloud of the registry. */
export const CLOUD_LOGINS: { readonly [C in CloudName]: CloudLogin<C> } = {
  aws: (vars, token) => [
    `export AWS_ROLE_ARN=${required(vars.roleArn)}`,
    `export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)" AWS_ROLE_SESSION_NAME="gitlab-\${CI_PROJECT_ID}-\${CI_JOB_ID}"`,
    `printf '%s' "$${token}" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`,
  ],
  // azurerm reads the token itself from ARM_OIDC_TOKEN, the id_token's variable.
  azure: (vars) => [
    `export ARM_USE_OIDC=true ARM_CLIENT_ID=${required(vars.clientId)} ARM_TENANT_ID=${required(vars.tenantId)}`,
  ],
  // An external_account credential file: Google's libraries exchange the token file for an access token.
  gcp: (vars, token) => [
    `GCP_TOKEN_FILE="$(mktemp)" && printf '%s' "$${token}" > "$GCP_TOKEN_FILE"`,
    `export GOOGLE_APPLICATION_CREDENTIALS="$(mktemp)"`,
    `printf '{"type":"external_account","audience":"//iam.googleapis.com/%s","subject_token_type":"urn:ietf:params:oauth:token-type:jwt","token_url":"https://sts.googleapis.com/v1/token","service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/%s:generateAccessToken","credential_source":{"file":"%s"}}' ${required(vars.workloadIdentityProvider)} ${required(vars.serviceAccount)} "$GCP_TOKEN_FILE" > "$GOOGLE_APPLICATION_CREDENTIALS"`,
  ],
};

function cloudLogin<C extends CloudName>(cloud: C, vars: IdentityVariables): readonly string[] {
  return CLOUD_LOGINS[cloud](vars[cloud], ID_TOKENS[cloud].variable);
}

/** Credentials of `purpose` for each enabled cloud, in registry order, without the Cloudflare token. */
export function cloudLoginLines(env: EnvironmentConfig, purpose: IdentityPurpose): string[] {
  const vars = identityVariables(env.name, purpose);
  return CLOUDS.filter((cloud) => env.clouds.includes(cloud)).flatMap((cloud) => cloudLogin(cloud, vars));
}

/** The Cloudflare API token of `purpose` (the edge and DNS), alone. */
export function cloudflareLoginLines(env: EnvironmentConfig, purpose: IdentityPurpose): string[] {
  return [`export CLOUDFLARE_API_TOKEN=${required(identityVariables(env.name, purpose).cloudflare.apiToken)}`];
}

/** Shell lines that turn the jobs' id_tokens into credentials each provider reads from its environment. */
export function loginLines(env: EnvironmentConfig, purpose: IdentityPurpose): string[] {
  return [...cloudLoginLines(env, purpose), ...cloudflareLoginLines(env, purpose)];
}

/** The id_tokens block of job `job` (`plan`, `deploy`, ...) of `env`: its own audiences, one per enabled cloud. */
export function idTokens(job: string, env: EnvironmentConfig): IdTokens {
  return jobIdTokens(job, env.name, env.clouds);
}
