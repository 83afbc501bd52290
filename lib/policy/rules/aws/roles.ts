/** Which IAM role a policy belongs to, and what that role is for: a workload's, or a CI identity's. */
import { parseAudience } from "../../../identity";
import type { RuleInput, StackResource } from "../../rule";
import { listOf, statementsOf } from "./iam-documents";

/** The role resource `value` (a policy's `role`, an attachment's `role`) refers to, in the same stack. */
export function roleOf(input: RuleInput, value: unknown): StackResource | undefined {
  const reference = /\$\{(aws_iam_role\.[\w-]+)\./.exec(input.expression(value))?.[1];
  if (reference === undefined || input.resources === undefined) return undefined;
  return input.resources(["aws_iam_role"]).find((role) => role.address === reference);
}

/** The trust policy's statements, from a role's attributes. */
function trustOf(role: Readonly<Record<string, unknown>>) {
  return statementsOf(role.assume_role_policy);
}

/** A role an AWS service assumes for the workload (Lambda, ECS tasks...), not a person or CI. */
export function isWorkloadRole(role: Readonly<Record<string, unknown>>): boolean {
  return trustOf(role).some((statement) => {
    const principal = statement.Principal;
    return typeof principal === "object" && principal !== null && "Service" in principal;
  });
}

/** The CI purpose (`plan`, `deploy`) a role's OIDC trust names by its audience, if any. */
export function ciPurposeOf(role: Readonly<Record<string, unknown>>): string | undefined {
  for (const statement of trustOf(role)) {
    const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
    for (const values of Object.values(condition)) {
      for (const [key, value] of Object.entries(values ?? {})) {
        if (!key.endsWith(":aud")) continue;
        const purpose = listOf(value)
          .map((aud) => (typeof aud === "string" ? parseAudience(aud)?.purpose : undefined))
          .find((p) => p !== undefined);
        if (purpose !== undefined) return purpose;
      }
    }
  }
  return undefined;
}

/** The policy documents a rule judges for a role: its own inline policies, or the policy resource's. */
export function policyDocuments(input: RuleInput): { role?: Readonly<Record<string, unknown>>; documents: unknown[] } {
  const { type, attributes } = input;
  if (type === "aws_iam_role") {
    const inline = Array.isArray(attributes.inline_policy) ? attributes.inline_policy : [attributes.inline_policy];
    return {
      role: attributes,
      documents: inline.map((p) => (p as { policy?: unknown } | undefined)?.policy).filter((p) => p !== undefined),
    };
  }
  return { role: roleOf(input, attributes.role)?.attributes, documents: [attributes.policy] };
}
