import { defineRule, show } from "../../rule";

/** AWS-managed policies that are administrator access, or can grant it. */
const ADMIN_EQUIVALENT = ["AdministratorAccess", "IAMFullAccess"];

const isAdminEquivalent = (arn: unknown): boolean =>
  typeof arn === "string" && ADMIN_EQUIVALENT.some((name) => arn.endsWith(`:policy/${name}`));

export const noAdminPolicy = defineRule({
  id: "CKV_AWS_274",
  description: "No role, user or group gets AdministratorAccess or IAMFullAccess",
  fix: "attach a narrower managed policy (e.g. PowerUserAccess) plus inline IAM scoped to the resources and a permissions boundary",
  level: "error",
  appliesTo: [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role",
  ],
  check: ({ type, attributes }) => {
    const arns = type === "aws_iam_role" ? attributes.managed_policy_arns : [attributes.policy_arn];
    const found = (Array.isArray(arns) ? arns : []).find(isAdminEquivalent);
    return found === undefined ? undefined : `attaches ${show(found)}`;
  },
});
