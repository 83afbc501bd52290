/**
 * The pipeline kinds the rehearsal runs, with the predefined variables GitLab
 * sets for each (https://docs.gitlab.com/ci/variables/predefined_variables/),
 * and which CI/CD variables of the project a kind's jobs receive: a fork's
 * merge-request pipeline runs in the fork, with none of them.
 */

export const KINDS = ["merge-request", "default-branch", "schedule", "fork-merge-request", "tag"] as const;
export type Kind = (typeof KINDS)[number];

export interface KindVariables {
  /** Predefined variables as GitLab sets them for this kind. */
  readonly variables: Readonly<Record<string, string>>;
  /** Predefined variables GitLab does not set for this kind. */
  readonly unset: readonly string[];
  /** Whether the project's CI/CD variables (credentials, note token) exist in the pipeline. */
  readonly projectVariables: boolean;
}

export interface ProjectFacts {
  readonly projectId: string;
  readonly defaultBranch: string;
}

/** Merge request number, fork project id and tag of the rehearsed pipelines. */
export const REHEARSAL_MR_IID = "7";
export const REHEARSAL_FORK_PROJECT_ID = "900001";
export const REHEARSAL_TAG = "v0.0.0-rehearsal";

export function kindVariables(kind: Kind, project: ProjectFacts): KindVariables {
  const base = { CI_DEFAULT_BRANCH: project.defaultBranch, CI_PROJECT_ID: project.projectId };
  const mergeRequest = {
    ...base,
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_MERGE_REQUEST_IID: REHEARSAL_MR_IID,
    CI_MERGE_REQUEST_PROJECT_ID: project.projectId,
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "rehearsal",
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: project.defaultBranch,
    CI_COMMIT_REF_NAME: "rehearsal",
  };
  const onDefault = { ...base, CI_COMMIT_BRANCH: project.defaultBranch, CI_COMMIT_REF_NAME: project.defaultBranch };
  switch (kind) {
    case "merge-request":
      return { variables: mergeRequest, unset: ["CI_COMMIT_BRANCH", "CI_COMMIT_TAG"], projectVariables: true };
    case "fork-merge-request":
      // The pipeline runs in the fork's project: CI_PROJECT_ID is the fork's.
      return {
        variables: { ...mergeRequest, CI_PROJECT_ID: REHEARSAL_FORK_PROJECT_ID },
        unset: ["CI_COMMIT_BRANCH", "CI_COMMIT_TAG"],
        projectVariables: false,
      };
    case "default-branch":
      return {
        variables: { ...onDefault, CI_PIPELINE_SOURCE: "push" },
        unset: ["CI_COMMIT_TAG"],
        projectVariables: true,
      };
    case "schedule":
      return {
        variables: { ...onDefault, CI_PIPELINE_SOURCE: "schedule" },
        unset: ["CI_COMMIT_TAG"],
        projectVariables: true,
      };
    case "tag":
      return {
        variables: {
          ...base,
          CI_PIPELINE_SOURCE: "push",
          CI_COMMIT_TAG: REHEARSAL_TAG,
          CI_COMMIT_REF_NAME: REHEARSAL_TAG,
        },
        unset: ["CI_COMMIT_BRANCH"],
        projectVariables: true,
      };
  }
}
