import { parseAudience } from "../../../identity";
import { defineRule, show } from "../../rule";
import { listOf, statementsOf } from "./iam-documents";

type Conditions = Record<string, Record<string, unknown>>;

/** Values of `key` (`<issuer>:aud`) under `operator`, or undefined when the operator does not name it. */
function valuesOf(condition: Conditions, operator: string, suffix: string): unknown[] | undefined {
  const entry = Object.entries(condition[operator] ?? {}).find(([key]) => key.endsWith(suffix));
  return entry === undefined ? undefined : listOf(entry[1]);
}

const WILD = /[*?]/;

/**
 * What is wrong with one web-identity trust statement: the audience must be
 * one exact value that names one identity (`audience()` of lib/identity.ts);
 * the subject must be there, exact for a deploy identity, and for a plan
 * identity wild only in the branch name.
 */
function trustProblem(index: number, raw: unknown): string | undefined {
  const condition = (typeof raw === "object" && raw !== null ? raw : {}) as Conditions;
  const aud = valuesOf(condition, "StringEquals", ":aud");
  if (aud === undefined || aud.length !== 1 || typeof aud[0] !== "string" || WILD.test(aud[0])) {
    return `Statement ${index} does not require one exact audience (StringEquals on <issuer>:aud)`;
  }
  if (valuesOf(condition, "StringLike", ":aud") !== undefined)
    return `Statement ${index} matches the audience with StringLike`;
  const identity = parseAudience(aud[0]);
  if (identity === undefined)
    return `Statement ${index} trusts audience ${show(aud[0])}, which is not one identity's own`;
  const exact = valuesOf(condition, "StringEquals", ":sub");
  const like = valuesOf(condition, "StringLike", ":sub");
  if (exact === undefined && like === undefined) return `Statement ${index} does not check the subject (<issuer>:sub)`;
  const subjects = [...(exact ?? []), ...(like ?? [])].map(String);
  if (identity.purpose === "deploy" && (like !== undefined || subjects.some((s) => WILD.test(s)))) {
    return `Statement ${index} lets a wildcard subject assume a deploy identity (${subjects.join(", ")})`;
  }
  // A plan identity may trust any branch: one `*`, at the end, after `:ref:`.
  const bad = subjects.find((s) => WILD.test(s) && !/^project_path:[^*?]+:ref_type:branch:ref:\*$/.test(s));
  return bad === undefined ? undefined : `Statement ${index} has a subject wild beyond the branch name (${bad})`;
}

export const oidcTrustExact = defineRule({
  id: "BP_AWS_2",
  description:
    "Roles assumable with an OIDC token require their own exact audience and a subject, exact for deploy identities",
  fix: 'trust one identity per environment and purpose: Condition StringEquals {"<host>:aud": audience(...), "<host>:sub": "<exact sub>"} (StringLike "...:ref:*" only for a plan identity)',
  level: "error",
  appliesTo: ["aws_iam_role"],
  check: ({ attributes }) => {
    for (const [index, statement] of statementsOf(attributes.assume_role_policy).entries()) {
      const actions = listOf(statement.Action);
      if (statement.Effect !== "Allow" || !actions.includes("sts:AssumeRoleWithWebIdentity")) continue;
      const problem = trustProblem(index, statement.Condition);
      if (problem !== undefined) return problem;
    }
    return undefined;
  },
});
