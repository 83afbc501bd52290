/**
 * The CI/CD variables bootstrap writes into the GitLab project, derived from
 * `lib/identity.ts` (names) and from who reads them:
 *
 * - read by `plan:<env>` / `drift:<env>` (merge requests from any branch, no
 *   `environment:` keyword): not protected, scope `*`, else those jobs would
 *   not see them;
 * - read only by `deploy:<env>` (default branch, `environment: <env>`):
 *   protected, and scoped to `<env>` where the GitLab edition allows it.
 *
 * Values are identifiers (role ARNs, client ids, tenant id, provider names,
 * service account emails), never secrets; Cloudflare's API tokens, the one
 * secret the jobs read, stay for an administrator to set by hand.
 */

import type { Cloud } from "../config/schema";
import { IDENTITY_PURPOSES, type IdentityPurpose, identityVariables } from "../identity";

/** Which identity attribute a variable holds (the keys of `IdentityVariables[cloud]`). */
export type IdentityField = "roleArn" | "clientId" | "tenantId" | "workloadIdentityProvider" | "serviceAccount";

export interface VariableSpec {
  /** Variable name, from `identityVariables`. */
  readonly key: string;
  readonly environment: string;
  readonly cloud: Cloud;
  readonly field: IdentityField;
  /** The purposes whose jobs read it (both for per-environment values such as the tenant id). */
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
export function pipelineVariables(environment: string, clouds: readonly Cloud[], scoped: boolean): VariableSpec[] {
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
        protected: deployOnly,
        environmentScope: deployOnly && scoped ? environment : "*",
      };
    });
}
