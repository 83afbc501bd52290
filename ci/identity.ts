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
 * Two identities per environment and cloud, on purpose:
 * - `plan`: read-only. Used by `plan:<env>` in merge-request pipelines (any
 *   branch, so it must not be able to change anything) and by `drift:<env>`.
 * - `deploy`: can change the environment. Used only by `deploy:<env>` on the
 *   default branch; its cloud trust must require the token claims in
 *   `deployClaims` and its CI/CD variables should be marked protected.
 */
import type { Cloud } from "../lib/config/schema";

/** What an identity is for; see the module comment. */
export type IdentityPurpose = "plan" | "deploy";

/** Both purposes, in the order jobs use them. */
export const IDENTITY_PURPOSES: readonly IdentityPurpose[] = ["plan", "deploy"];

/** One `id_tokens` entry of a job. */
export interface IdTokenSpec {
  /** Job variable GitLab fills with the signed JWT. */
  readonly variable: string;
  /** The token's `aud` claim; the cloud-side trust must accept exactly this value. */
  readonly audience: string;
}

/**
 * The id_token each cloud exchanges for short-lived credentials.
 *
 * - AWS: `AssumeRoleWithWebIdentity`; the IAM OIDC provider for the GitLab
 *   issuer lists this audience as a client id.
 * - Azure: workload identity federation; `api://AzureADTokenExchange` is the
 *   audience Entra ID federated credentials expect. The azurerm provider and
 *   backend read the token from `ARM_OIDC_TOKEN` directly.
 * - GCP: workload identity federation; the pool provider must list this
 *   audience in `allowed_audiences` (its default, the provider's own resource
 *   name, would tie this file to one project number).
 */
export const ID_TOKENS: Readonly<Record<Cloud, IdTokenSpec>> = {
  aws: { variable: "AWS_ID_TOKEN", audience: "sts.amazonaws.com" },
  azure: { variable: "ARM_OIDC_TOKEN", audience: "api://AzureADTokenExchange" },
  gcp: { variable: "GCP_ID_TOKEN", audience: "gitlab-ci-workload-identity" },
};

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

/** Every CI/CD variable name a provider needs for one environment, both purposes, sorted and unique. */
export function allIdentityVariables(environment: string, cloud: Cloud | "cloudflare"): string[] {
  const names = new Set<string>();
  for (const purpose of IDENTITY_PURPOSES) {
    for (const name of Object.values(identityVariables(environment, purpose)[cloud])) names.add(name);
  }
  return [...names].sort();
}

/**
 * GitLab id_token claims the `deploy` identity's cloud trust must require on
 * top of the project path: only a job of the protected default branch,
 * deploying to that GitLab environment, can assume it. (`plan` identities
 * trust any ref of the project: merge requests from any branch plan.)
 */
export function deployClaims(environment: string): Readonly<Record<string, string>> {
  return { ref_type: "branch", ref_protected: "true", environment };
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
 * The subject a `deploy` identity trusts, exactly: a job of the default
 * branch (`deployClaims` adds what the cloud can check beyond `sub`).
 */
export function deploySubject(projectPath: string, defaultBranch: string): string {
  return subjectClaim(projectPath, "branch", defaultBranch);
}

/**
 * The subjects a `plan` identity trusts: a job of any branch of the project
 * (merge requests plan from their source branch). The one wildcard, `*`,
 * stands for the branch name only; the project path is always exact.
 */
export function planSubjectPattern(projectPath: string): string {
  return subjectClaim(projectPath, "branch", "*");
}
