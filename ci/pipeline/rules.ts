/** Rule conditions of the generated jobs, named once so jobs and tests agree. */
import type { Rule } from "./model";

/** The `if:` conditions. */
export const IF = {
  mergeRequest: '$CI_PIPELINE_SOURCE == "merge_request_event"',
  schedule: '$CI_PIPELINE_SOURCE == "schedule"',
  defaultBranch: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule"',
  /** A merge-request pipeline running in a fork: none of this project's CI/CD variables (credentials) exist there. */
  fork: '$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_PROJECT_ID != $CI_MERGE_REQUEST_PROJECT_ID',
} as const;

/**
 * A job an operator may start on the default branch. `allow_failure: true`:
 * a manual job that is not started does not hold the pipeline "blocked", so a
 * default-branch pipeline ends "passed" with its optional clicks pending.
 */
export const MANUAL_ON_DEFAULT_BRANCH: Rule = { if: IF.defaultBranch, when: "manual", allow_failure: true };
