/**
 * The cloud identities CI assumes, in one place: for each cloud, the GitLab
 * OIDC `id_tokens` entry (job variable and `aud` claim) and, for each
 * environment, the names of the CI/CD variables that hold the identity to
 * assume (role ARN, client id, workload identity provider, service account)
 * plus the Cloudflare API token, the one credential without federation.
 *
 * `ci/pipeline/` writes `.gitlab-ci.yml` from this module, and the cloud-side
 * bootstrap creates the identities from it, so the two can never disagree.
 * Data and pure functions only: importing it has no side effect.
 *
 * Three identities per environment and cloud, on purpose, and a token that
 * fits only one of them (its own `audience`):
 * - `plan`: read-only. Used by `plan:<env>` (merge requests from any branch,
 *   except for protected environments: default branch only), `drift:<env>`
 *   and every other job that is not in `DEPLOY_JOBS`.
 * - `deploy`: can change the environment. Used only by the `DEPLOY_JOBS` of
 *   that environment on the default branch; its cloud trust requires the
 *   claims of `requiredClaims` and its CI/CD variables are protected.
 * - `publish`: can push images to the environment's registries and nothing
 *   else. Used only by `publish:<env>` (`PUBLISH_JOBS`), which runs on every
 *   default-branch push before anyone approves the deploy; its cloud trust
 *   requires the protected default branch, so no merge request gets it.
 */
import { CLOUDS, type Cloud } from "./config/schema";

/** What an identity is for; see the module comment. */
export type IdentityPurpose = "plan" | "deploy" | "publish";

/** Every purpose, in the order jobs use them. */
export const IDENTITY_PURPOSES: readonly IdentityPurpose[] = ["plan", "deploy", "publish"];

/** The job variable GitLab fills with the signed JWT of one cloud. */
export interface IdTokenSpec {
  /** Job variable GitLab fills with the signed JWT. */
  readonly variable: string;
}

/**
 * The id_token variable of each cloud, one per job and cloud. The token's
 * `aud` claim is not fixed per cloud: every environment and purpose has its
 * own (`audience`), so a token is good for exactly one identity.
 *
 * - AWS: `AssumeRoleWithWebIdentity`; the IAM OIDC provider for the GitLab
 *   issuer lists the account's audiences as client ids, each role's trust
 *   requires its own.
 * - Azure: workload identity federation; each federated credential lists its
 *   identity's audience. The azurerm provider and backend read the token from
 *   `ARM_OIDC_TOKEN` directly.
 * - GCP: workload identity federation; the pool provider lists the project's
 *   audiences in `allowed_audiences`, and its attribute condition ties each
 *   one to the claims of the job that may use it.
 */
export const ID_TOKENS: Readonly<Record<Cloud, IdTokenSpec>> = {
  aws: { variable: "AWS_ID_TOKEN" },
  azure: { variable: "ARM_OIDC_TOKEN" },
  gcp: { variable: "GCP_ID_TOKEN" },
};

/** First part of every audience: names what the token is for in any cloud's log. */
export const AUDIENCE_PREFIX = "gitlab-ci";

/**
 * The `aud` claim of the one token `cloud`'s identity of `environment` and
 * `purpose` accepts, e.g. `gitlab-ci:aws:prod:deploy`. Bootstrap writes it into
 * that identity's trust and nowhere else; the pipeline requests it only in
 * jobs of that environment and purpose (`jobIdTokens`). Distinct per cloud
 * too, so a token leaked to one cloud's log is worth nothing on another.
 */
export function audience(cloud: Cloud, environment: string, purpose: IdentityPurpose): string {
  return `${AUDIENCE_PREFIX}:${cloud}:${environment}:${purpose}`;
}

/** What an audience of `audience()` stands for; undefined for any other value. */
export function parseAudience(
  value: string,
): { readonly cloud: Cloud; readonly environment: string; readonly purpose: IdentityPurpose } | undefined {
  const match = /^([a-z0-9-]+):([a-z0-9-]+):([a-z][a-z0-9-]*):(plan|deploy|publish)$/.exec(value);
  if (match === null || match[1] !== AUDIENCE_PREFIX || !(CLOUDS as readonly string[]).includes(match[2])) {
    return undefined;
  }
  return { cloud: match[2] as Cloud, environment: match[3], purpose: match[4] as IdentityPurpose };
}

/**
 * Pipeline jobs that change an environment, by the job name before
 * `:<env>`: they get the environment's deploy identity and must run as a
 * deployment of that GitLab environment (`environment: <env>`) on the default
 * branch, which is what the deploy trust requires. Every other job that needs
 * a cloud (plan, drift, validate, verify, ...) gets the plan identity.
 */
export const DEPLOY_JOBS: readonly string[] = ["deploy", "promote", "rollback", "auto-rollback", "unlock"];

/**
 * Pipeline jobs that only push the release's image to an environment's
 * registries, before the deploy is approved: they get the publish identity,
 * never the deploy one.
 */
export const PUBLISH_JOBS: readonly string[] = ["publish"];

/** The identity job `job` (`plan`, `drift`, `deploy`, `publish`, ...) of an environment uses. */
export function jobPurpose(job: string): IdentityPurpose {
  if (PUBLISH_JOBS.includes(job)) return "publish";
  return DEPLOY_JOBS.includes(job) ? "deploy" : "plan";
}

/**
 * The `id_tokens` block of job `job` of `environment`: one token per cloud,
 * each with the audience of that environment and the job's purpose. The one
 * function every generated job uses, so no job can ask for another job's token.
 */
export function jobIdTokens(
  job: string,
  environment: string,
  clouds: readonly Cloud[],
): Record<string, { readonly aud: string }> {
  const purpose = jobPurpose(job);
  const tokens: Record<string, { aud: string }> = {};
  for (const cloud of clouds) tokens[ID_TOKENS[cloud].variable] = { aud: audience(cloud, environment, purpose) };
  return tokens;
}

/** CI/CD variable names one job reads, per cloud. */
export interface IdentityVariables {
  readonly aws: {
    /** ARN of the IAM role to assume with the id_token. */
    readonly roleArn: string;
  };
  readonly azure: {
    /** Client id of the app registration or user-assigned identity with the federated credential. */
    readonly clientId: string;
    /** Entra ID tenant of that identity (one per environment, shared by both purposes). */
    readonly tenantId: string;
  };
  readonly gcp: {
    /**
     * Full resource name of the pool provider (one per environment):
     * `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`.
     */
    readonly workloadIdentityProvider: string;
    /** Email of the service account to impersonate. */
    readonly serviceAccount: string;
  };
  /**
   * Cloudflare has no OIDC federation: a masked API token per environment and
   * purpose (read-only for `plan`), which the job exports as CLOUDFLARE_API_TOKEN.
   */
  readonly cloudflare: {
    readonly apiToken: string;
  };
}

/** `dev` -> `DEV`, `eu-prod` -> `EU_PROD`: the suffix CI/CD variable names carry. */
export function variableSuffix(environment: string): string {
  return environment.toUpperCase().replaceAll("-", "_");
}

/**
 * The CI/CD variables holding the identity `purpose` of `environment`, e.g.
 * `AWS_ROLE_ARN_PROD_DEPLOY`, `ARM_CLIENT_ID_DEV_PLAN`, `ARM_TENANT_ID_DEV`.
 */
export function identityVariables(environment: string, purpose: IdentityPurpose): IdentityVariables {
  const env = variableSuffix(environment);
  const both = `${env}_${purpose.toUpperCase()}`;
  return {
    aws: { roleArn: `AWS_ROLE_ARN_${both}` },
    azure: { clientId: `ARM_CLIENT_ID_${both}`, tenantId: `ARM_TENANT_ID_${env}` },
    gcp: {
      workloadIdentityProvider: `GCP_WORKLOAD_IDENTITY_PROVIDER_${env}`,
      serviceAccount: `GCP_SERVICE_ACCOUNT_${both}`,
    },
    cloudflare: { apiToken: `CLOUDFLARE_API_TOKEN_${both}` },
  };
}

/** The purposes with a Cloudflare token: publishing touches no zone. */
export const CLOUDFLARE_PURPOSES: readonly IdentityPurpose[] = ["plan", "deploy"];

/** Every CI/CD variable name a provider needs for one environment, every purpose, sorted and unique. */
export function allIdentityVariables(environment: string, cloud: Cloud | "cloudflare"): string[] {
  const names = new Set<string>();
  for (const purpose of cloud === "cloudflare" ? CLOUDFLARE_PURPOSES : IDENTITY_PURPOSES) {
    for (const name of Object.values(identityVariables(environment, purpose)[cloud])) names.add(name);
  }
  return [...names].sort();
}

/** Where an environment's identity of one purpose may be used: what its cloud trust requires. */
export interface TrustScope {
  readonly environment: string;
  readonly purpose: IdentityPurpose;
  /** The protected default branch deploy jobs (and protected environments' plans) run on. */
  readonly defaultBranch: string;
  /**
   * A protected environment (`protect: true`): its plan identity, too, only
   * trusts the protected default branch, so a merge request from any branch
   * never gets a token for it (docs/bootstrap.md, threat model).
   */
  readonly protectedEnvironment: boolean;
  /** GitLab deployment tier of the environment (`deployment_tier` claim of its deploy jobs). */
  readonly tier: string;
  /** GitLab protects the environment (`environment_protected` claim of its deploy jobs). */
  readonly gitlabProtectsEnvironment: boolean;
}

/**
 * The GitLab id_token claims (besides `aud`, project and issuer) a token
 * must carry to assume the identity of `scope`, as strings:
 * - plan: a branch pipeline (merge requests plan from their source branch);
 *   for a protected environment, only the protected default branch;
 * - deploy: the protected default branch, deploying to that GitLab
 *   environment with its tier (and, when GitLab protects it, protected);
 * - publish: the protected default branch (the job prepares the
 *   environment, it does not deploy to it).
 * GCP checks every claim; AWS and Entra ID only `sub` (`trustSubject`).
 */
export function requiredClaims(scope: TrustScope): Readonly<Record<string, string>> {
  const branchOnly = { ref_type: "branch" };
  const defaultBranch = { ref_type: "branch", ref: scope.defaultBranch, ref_protected: "true" };
  if (scope.purpose === "plan") return scope.protectedEnvironment ? defaultBranch : branchOnly;
  if (scope.purpose === "publish") return defaultBranch;
  return {
    ...defaultBranch,
    environment: scope.environment,
    deployment_tier: scope.tier,
    ...(scope.gitlabProtectsEnvironment ? { environment_protected: "true" } : {}),
  };
}

/**
 * GitLab's `sub` claim of a job's id_token:
 * `project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>`. This is
 * the default format; a project that changes its "ID token sub claim
 * components" setting breaks every trust built from this function.
 */
export function subjectClaim(projectPath: string, refType: "branch" | "tag", ref: string): string {
  return `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`;
}

/**
 * The subject the identity of `scope` trusts, for clouds that can only check
 * `sub`: exact (the default branch) for deploy and for protected
 * environments' plans; otherwise any branch, where the one wildcard, `*`,
 * stands for the branch name only and the project path is always exact.
 */
export function trustSubject(
  projectPath: string,
  scope: TrustScope,
): { readonly value: string; readonly exact: boolean } {
  const claims = requiredClaims(scope);
  return claims.ref === undefined
    ? { value: subjectClaim(projectPath, "branch", "*"), exact: false }
    : { value: subjectClaim(projectPath, "branch", claims.ref), exact: true };
}
