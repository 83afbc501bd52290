import { defineRule } from "../../rule";
import { actionMatches, listOf, statementsOf } from "./iam-documents";
import { isWorkloadRole, policyDocuments } from "./roles";

/**
 * Actions IAM cannot scope to a resource: `"*"` is the only way to grant
 * them (Describe and List calls, registry login, tracing, metrics).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
const UNSCOPED_ACTIONS = [
  "*:Describe*",
  "*:List*",
  "ecr:GetAuthorizationToken",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSampling*",
  "cloudwatch:PutMetricData",
  "sts:GetCallerIdentity",
];

const unscoped = (action: string): boolean => UNSCOPED_ACTIONS.some((pattern) => actionMatches(pattern, action));

export const workloadNoStarResource = defineRule({
  id: "CKV_AWS_355",
  description: 'Workload roles are granted actions on their own resources, not on "*"',
  fix: 'name the ARNs the workload uses (its log group, parameter, key, repository); keep "*" for actions IAM cannot scope (Describe*, List*, ecr:GetAuthorizationToken, xray:Put*)',
  level: "error",
  appliesTo: ["aws_iam_role_policy", "aws_iam_role"],
  check: (input) => {
    const { role, documents } = policyDocuments(input);
    if (role === undefined || !isWorkloadRole(role)) return undefined;
    for (const document of documents) {
      for (const [index, statement] of statementsOf(document).entries()) {
        if (statement.Effect !== "Allow") continue;
        const everywhere = statement.NotResource !== undefined || listOf(statement.Resource).includes("*");
        if (!everywhere) continue;
        if (statement.NotAction !== undefined) return `Statement ${index} allows NotAction on every resource`;
        const scopable = listOf(statement.Action).filter((a): a is string => typeof a === "string" && !unscoped(a));
        if (scopable.length > 0) return `Statement ${index} allows ${scopable.join(", ")} on Resource "*"`;
      }
    }
    return undefined;
  },
});
