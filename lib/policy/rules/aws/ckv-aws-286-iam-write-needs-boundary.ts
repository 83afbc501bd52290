import { defineRule } from "../../rule";
import { allowedActions, documentsOf, IAM_POLICY_TYPES, listOf, statementsOf } from "./iam-documents";

/** Role actions IAM checks `iam:PermissionsBoundary` on: allowed only with that condition. */
export const BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
] as const;

/** Actions that grant permissions no boundary can cap: never allowed. */
export const UNBOUNDED_ESCALATION_ACTIONS = [
  "iam:DeleteRolePermissionsBoundary",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:CreateUser",
  "iam:PutUserPolicy",
  "iam:AttachUserPolicy",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AddUserToGroup",
  "iam:PutGroupPolicy",
  "iam:AttachGroupPolicy",
] as const;

const requiresBoundary = (condition: unknown): boolean =>
  typeof condition === "object" &&
  condition !== null &&
  Object.entries(condition).some(
    ([operator, keys]) =>
      /^String(Equals|Like)$|^ArnEquals$|^ArnLike$/.test(operator) &&
      typeof keys === "object" &&
      keys !== null &&
      Object.entries(keys).some(
        ([key, value]) => key.toLowerCase() === "iam:permissionsboundary" && listOf(value).length > 0,
      ),
  );

export const iamWriteNeedsBoundary = defineRule({
  id: "CKV_AWS_286",
  description: "IAM policies do not allow privilege escalation: role writes require a permissions boundary",
  fix: 'allow iam:CreateRole/PutRolePolicy/AttachRolePolicy/PutRolePermissionsBoundary only with Condition {"StringEquals": {"iam:PermissionsBoundary": "<boundary ARN>"}}, and never policy versions, users, groups or boundary removal',
  level: "error",
  appliesTo: [...IAM_POLICY_TYPES],
  check: ({ type, attributes }) => {
    for (const document of documentsOf(type, attributes)) {
      for (const [index, statement] of statementsOf(document).entries()) {
        const never = allowedActions(statement, UNBOUNDED_ESCALATION_ACTIONS);
        if (never.length > 0) return `Statement ${index} allows ${never.join(", ")}`;
        const bounded = allowedActions(statement, BOUNDED_ROLE_ACTIONS);
        if (bounded.length > 0 && !requiresBoundary(statement.Condition)) {
          return `Statement ${index} allows ${bounded.join(", ")} without an iam:PermissionsBoundary condition`;
        }
      }
    }
    return undefined;
  },
});
