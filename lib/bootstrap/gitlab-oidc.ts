/**
 * What every cloud's trust needs to know about the GitLab side: the issuer
 * and the one project (and branch) whose id_tokens it accepts. Cloud-neutral;
 * each cloud file turns it into its own conditions.
 */

import { BOOTSTRAP_STACK } from "../config/bootstrap";
import type { CompanyConfig } from "../config/company";
import type { IdentityPurpose, TrustScope } from "../identity";
import { type StandardTags, standardTags } from "../policy/tags";

/** The GitLab project whose pipelines may assume the identities. */
export interface GitlabOidc {
  /** GitLab host, e.g. `gitlab.com`. */
  readonly host: string;
  /** `group/subgroup/project`, exactly as in the `project_path` claim. */
  readonly projectPath: string;
  /** The project's numeric id (`project_id` claim). */
  readonly projectId: number;
  /** The protected default branch deploy jobs run on. */
  readonly defaultBranch: string;
  /** GitLab protects the environments (bootstrap manages protected environments). */
  readonly protectedEnvironments: boolean;
}

/** One environment as the clouds' trust needs to know it. */
export interface EnvironmentTrust {
  readonly name: string;
  /** `protect: true`: plans too only from the protected default branch. */
  readonly protect: boolean;
  /** GitLab deployment tier of its deploy jobs. */
  readonly tier: string;
}

/** What the identity of `environment` and `purpose` trusts (see `requiredClaims` in lib/identity.ts). */
export function trustScope(gitlab: GitlabOidc, environment: EnvironmentTrust, purpose: IdentityPurpose): TrustScope {
  return {
    environment: environment.name,
    purpose,
    defaultBranch: gitlab.defaultBranch,
    protectedEnvironment: environment.protect,
    tier: environment.tier,
    gitlabProtectsEnvironment: gitlab.protectedEnvironments,
  };
}

/** The `iss` claim of GitLab's id_tokens, and the URL every cloud registers. */
export function issuerUrl(gitlab: Pick<GitlabOidc, "host">): string {
  return `https://${gitlab.host}`;
}

/**
 * Tags on bootstrap resources that accept them: the standard tags the policy
 * requires (environment `bootstrap` where a resource serves several), plus
 * `stack: bootstrap`.
 */
export function bootstrapTags(company: CompanyConfig, environment: string = BOOTSTRAP_STACK): StandardTags {
  return { ...standardTags(environment, company), stack: BOOTSTRAP_STACK };
}
