/**
 * What every cloud's trust needs to know about the GitLab side: the issuer
 * and the one project (and branch) whose id_tokens it accepts. Cloud-neutral;
 * each cloud file turns it into its own conditions.
 */

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
}

/** The `iss` claim of GitLab's id_tokens, and the URL every cloud registers. */
export function issuerUrl(gitlab: Pick<GitlabOidc, "host">): string {
  return `https://${gitlab.host}`;
}

/** Tags/labels on bootstrap resources that accept them. */
export const BOOTSTRAP_TAGS: Readonly<Record<string, string>> = {
  "managed-by": "cdktf",
  stack: "bootstrap",
};
