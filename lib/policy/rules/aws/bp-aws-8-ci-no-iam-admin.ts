import { defineRule, show } from "../../rule";
import { allowedActions, listOf, statementsOf } from "./iam-documents";
import { ciPurposeOf, policyDocuments, roleOf } from "./roles";

/**
 * Role and policy administration: bootstrap makes every workload role
 * (docs/bootstrap.md, "Bootstrap owns identity"), so no CI role may make,
 * re-trust or re-permission one (an outside account in a trust policy is a
 * lasting way in).
 */
export const ROLE_ADMIN_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:CreatePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateOpenIDConnectProvider",
  "iam:AddClientIDToOpenIDConnectProvider",
] as const;

/** Managed policies that administer IAM. */
const IAM_ADMIN_POLICIES = ["AdministratorAccess", "IAMFullAccess", "IAMUserChangePassword"];

/** `iam:PassRole` is fine on named roles to a named service; on `*` or without the condition it passes any role. */
function passRoleProblem(statement: ReturnType<typeof statementsOf>[number]): string | undefined {
  if (allowedActions(statement, ["iam:PassRole"]).length === 0) return undefined;
  const resources = listOf(statement.Resource).map(String);
  if (statement.NotResource !== undefined || resources.some((r) => r === "*" || r.endsWith(":role/*"))) {
    return "allows iam:PassRole on every role";
  }
  return JSON.stringify(statement.Condition ?? {}).includes('"iam:PassedToService"')
    ? undefined
    : "allows iam:PassRole without an iam:PassedToService condition";
}

/**
 * CI roles (trusted for a GitLab audience) administer no identity: no role
 * or policy writes, no IAM-admin managed policy, and `iam:PassRole` only on
 * named roles to a named service.
 */
export const ciNoIamAdmin = defineRule({
  id: "BP_AWS_8",
  description: "CI roles administer no IAM: no role or policy writes; PassRole only on named roles to a named service",
  fix: "create workload roles in the bootstrap stack (lib/bootstrap/workload/aws.ts) and give the deploy role iam:PassRole on their ARNs with Condition StringEquals iam:PassedToService",
  level: "error",
  appliesTo: ["aws_iam_role_policy", "aws_iam_role", "aws_iam_role_policy_attachment"],
  check: (input) => {
    if (input.type === "aws_iam_role_policy_attachment") {
      const role = roleOf(input, input.attributes.role);
      if (role === undefined || ciPurposeOf(role.attributes) === undefined) return undefined;
      const arn = input.attributes.policy_arn;
      const name = typeof arn === "string" ? /:policy\/(.+)$/.exec(arn)?.[1] : undefined;
      return name !== undefined && IAM_ADMIN_POLICIES.includes(name)
        ? `a CI role gets the managed policy ${show(name)}`
        : undefined;
    }
    const { role, documents } = policyDocuments(input);
    if (role === undefined || ciPurposeOf(role) === undefined) return undefined;
    for (const document of documents) {
      for (const [index, statement] of statementsOf(document).entries()) {
        if (statement.Effect !== "Allow") continue;
        const admin = allowedActions(statement, ROLE_ADMIN_ACTIONS);
        if (admin.length > 0) return `Statement ${index} lets a CI role administer IAM (${admin.join(", ")})`;
        const pass = passRoleProblem(statement);
        if (pass !== undefined) return `Statement ${index} ${pass}`;
      }
    }
    return undefined;
  },
});
