/**
 * Drift as a GitLab issue: one open issue per environment while its live
 * infrastructure differs from the state (`plan -refresh-only` found
 * changes), updated on every scheduled check and closed, with a comment,
 * once the drift is gone. The issue is found by a hidden marker at the start
 * of its description among the open issues the token's own user wrote, so
 * an issue someone else opened is never edited.
 */
import { IssueNotes, type IssueSchemaWithBasicLabels, Issues } from "@gitbeaker/rest";
import { allPages, apiOptions, currentUserId, type RetryOptions, withRetry } from "./notes";

/** Label every drift issue carries, so they can be listed and filtered. */
export const DRIFT_LABEL = "drift";

export interface IssueTarget {
  /** GitLab base URL (CI_SERVER_URL). */
  readonly host: string;
  /** Project id (CI_PROJECT_ID). */
  readonly projectId: string | number;
  /** Token with `api` scope, role Reporter or more. Never logged. */
  readonly token: string;
}

export interface DriftIssue {
  /** Hidden marker the description starts with. */
  readonly marker: string;
  readonly title: string;
  /** Description when drifted (starts with the marker). */
  readonly description: string;
  /** Comment left when the issue is closed because the drift is gone. */
  readonly resolvedComment: string;
}

export interface DriftResult {
  readonly action: "created" | "updated" | "unchanged" | "closed" | "none";
  /** The issue's iid. @default - no issue */
  readonly issueIid?: number;
}

/** Creates or updates the environment's drift issue (`drifted`), or closes it. */
export async function reportDrift(
  target: IssueTarget,
  issue: DriftIssue,
  drifted: boolean,
  options: RetryOptions & { readonly timeoutMs?: number } = {},
): Promise<DriftResult> {
  if (!issue.description.startsWith(issue.marker))
    throw new Error("reportDrift: the description must start with its marker");
  const api = new Issues<false>(apiOptions(target, options.timeoutMs));
  return withRetry(async () => {
    const me = await currentUserId(target, options.timeoutMs);
    const open = await allPages((page) =>
      api.all({
        projectId: target.projectId,
        state: "opened",
        labels: DRIFT_LABEL,
        authorId: me,
        page,
        perPage: 100,
        showExpanded: true,
      }),
    );
    const found = open.find(
      (candidate: IssueSchemaWithBasicLabels) =>
        candidate.author?.id === me &&
        typeof candidate.description === "string" &&
        candidate.description.startsWith(issue.marker),
    );
    if (!drifted) {
      if (found === undefined) return { action: "none" };
      await new IssueNotes<false>(apiOptions(target, options.timeoutMs)).create(
        target.projectId,
        found.iid,
        issue.resolvedComment,
      );
      await api.edit(target.projectId, found.iid, { stateEvent: "close" });
      return { action: "closed", issueIid: found.iid };
    }
    if (found === undefined) {
      const created = await api.create(target.projectId, issue.title, {
        description: issue.description,
        labels: DRIFT_LABEL,
      });
      return { action: "created", issueIid: created.iid };
    }
    if (found.description === issue.description && found.title === issue.title) {
      return { action: "unchanged", issueIid: found.iid };
    }
    await api.edit(target.projectId, found.iid, { title: issue.title, description: issue.description });
    return { action: "updated", issueIid: found.iid };
  }, options);
}
