/**
 * The CI/CD variables bootstrap writes into the GitLab project, derived from
 * `lib/identity.ts` (names) and from who reads them:
 *
 * - read by `plan:<env>` / `drift:<env>` (merge requests from any branch, no
 *   `environment:` keyword): not protected, scope `*`, else those jobs would
 *   not see them;
 * - read only by `deploy:<env>` (default branch, `environment: <env>`):
 *   protected, and scoped to `<env>` where the GitLab edition allows it;
 * - of a protected environment (`protect: true`), every one: its plan jobs
 *   run on the default branch only, so nothing a merge request runs needs
 *   them, and a protected variable never reaches an unprotected branch.
 *
 * Values are identifiers (role ARNs, client ids, tenant id, provider names,
 * service account emails), never secrets; Cloudflare's API tokens, the one
 * secret the jobs read, stay for an administrator to set by hand.
 */

import type { Cloud } from "../config/schema";
import { CLOUDFLARE_PURPOSES, IDENTITY_PURPOSES, type IdentityPurpose, identityVariables } from "../identity";

/** Which identity attribute a variable holds (the keys of `IdentityVariables[cloud]`). */
export type IdentityField = "roleArn" | "clientId" | "tenantId" | "workloadIdentityProvider" | "serviceAccount";

export interface VariableSpec {
  /** Variable name, from `identityVariables`. */
  readonly key: string;
  readonly environment: string;
  readonly cloud: Cloud;
  readonly field: IdentityField;
  /** The purposes whose jobs read it (all of them for per-environment values such as the tenant id). */
  readonly purposes: readonly IdentityPurpose[];
  /** Only pipelines of protected branches see it. */
  readonly protected: boolean;
  /** GitLab `environment_scope`. */
  readonly environmentScope: string;
}

/**
 * The variables of one environment's enabled clouds, sorted by name.
 * @param scoped - scope deploy-only variables to the environment (GitLab `environment_scope`)
 */
export function pipelineVariables(
  environment: string,
  clouds: readonly Cloud[],
  scoped: boolean,
  protectedEnvironment = false,
): VariableSpec[] {
  const found = new Map<string, { cloud: Cloud; field: IdentityField; purposes: IdentityPurpose[] }>();
  for (const cloud of clouds) {
    for (const purpose of IDENTITY_PURPOSES) {
      const names = identityVariables(environment, purpose)[cloud] as Readonly<Record<IdentityField, string>>;
      for (const [field, key] of Object.entries(names) as [IdentityField, string][]) {
        const entry = found.get(key) ?? { cloud, field, purposes: [] };
        entry.purposes.push(purpose);
        found.set(key, entry);
      }
    }
  }
  return [...found.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, { cloud, field, purposes }]) => {
      const deployOnly = !purposes.includes("plan");
      return {
        key,
        environment,
        cloud,
        field,
        purposes,
        protected: deployOnly || protectedEnvironment,
        environmentScope: deployOnly && scoped ? environment : "*",
      };
    });
}

/**
 * A secret CI/CD variable bootstrap declares but never fills: it holds a
 * placeholder until an administrator pastes the value in GitLab, and
 * bootstrap ignores the value afterwards (it never enters bootstrap's
 * state). What bootstrap does keep: that it exists, masked, and its
 * protection and scope.
 */
export interface SecretVariableSpec {
  readonly key: string;
  readonly description: string;
  readonly protected: boolean;
  readonly environmentScope: string;
}

/** Placeholder value of a secret variable (masked variables need 8+ characters of a restricted alphabet). */
export const SECRET_PLACEHOLDER = "unset.paste.the.value.in.gitlab";

/** The CI/CD variable of the token that writes plan notes and drift issues (ci/cli.ts). */
export const NOTE_TOKEN = "GITLAB_PLAN_NOTE_TOKEN";

/**
 * The Cloudflare API tokens of one environment: the plan token is
 * protected when the environment is (its plan jobs run on the default
 * branch only), the deploy token always, and scoped to the environment.
 */
export function secretVariables(
  environment: string,
  protectedEnvironment: boolean,
  scoped: boolean,
): SecretVariableSpec[] {
  return CLOUDFLARE_PURPOSES.map((purpose) => {
    const deployOnly = purpose === "deploy";
    return {
      key: identityVariables(environment, purpose).cloudflare.apiToken,
      description: `Cloudflare API token of ${purpose} jobs of ${environment} (lib/edge/permissions.ts); set by an administrator`,
      protected: deployOnly || protectedEnvironment,
      environmentScope: deployOnly && scoped ? environment : "*",
    };
  });
}

/**
 * The note token (a project access token, role Reporter, scope api): not
 * protected, because merge-request pipelines of unprotected branches post
 * their plan notes with it. Nothing of a protected environment is within
 * its reach: a Reporter reads no Terraform state, no CI/CD variable and no
 * `access: developer` or `none` artifact, and protected environments' state
 * is not in GitLab at all; what it can do (notes, issues) the Developer who
 * runs the merge request can do already (docs/bootstrap.md, threat model).
 */
export function noteTokenVariable(): SecretVariableSpec {
  return {
    key: NOTE_TOKEN,
    description:
      "Project access token, role Reporter (never Developer), scope api: plan notes and drift issues; set by an administrator",
    protected: false,
    environmentScope: "*",
  };
}
