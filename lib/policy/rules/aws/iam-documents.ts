/** Reading IAM policy documents as rules see them: JSON strings, tokens and templates skipped. */
import { blocks } from "../../rule";

/** One statement of an IAM policy document, as written. */
export interface Statement {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** Statements of a policy JSON string; none when the text is a token or not JSON. */
export function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== "string") return [];
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const list = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return list.filter((s): s is Statement => typeof s === "object" && s !== null);
  } catch {
    return []; // a token (jsonencode, a data source) or a template: judged where the document is built
  }
}

/** A value or a list of values, as a list. */
export const listOf = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The policy documents of an IAM resource: its `policy`, or a role's inline policies. */
export function documentsOf(type: string, attributes: Readonly<Record<string, unknown>>): unknown[] {
  return type === "aws_iam_role" ? blocks(attributes.inline_policy).map((p) => p.policy) : [attributes.policy];
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(action.toLowerCase());
}

/** The actions of `candidates` an Allow statement grants (Action patterns, or everything NotAction leaves). */
export function allowedActions(statement: Statement, candidates: readonly string[]): string[] {
  if (statement.Effect !== undefined && statement.Effect !== "Allow") return [];
  const patterns = (value: unknown) => listOf(value).filter((p): p is string => typeof p === "string");
  if (statement.NotAction !== undefined) {
    return candidates.filter((action) => !patterns(statement.NotAction).some((p) => actionMatches(p, action)));
  }
  return candidates.filter((action) => patterns(statement.Action).some((p) => actionMatches(p, action)));
}

/** Policy resource types whose `policy` (or inline policies) grant permissions. */
export const IAM_POLICY_TYPES = [
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
] as const;
