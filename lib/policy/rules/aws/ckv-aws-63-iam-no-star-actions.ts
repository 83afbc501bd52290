import { blocks, defineRule, isKnown } from "../../rule";
import { documentsOf, statementsOf } from "./iam-documents";

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
const allowsEverything = (effect: unknown, actions: unknown): boolean =>
  (effect === undefined || effect === "Allow") && isKnown(actions) && list(actions).includes("*");

export const iamNoStarActions = defineRule({
  id: "CKV_AWS_63",
  description: 'IAM policies do not allow "*" as an action',
  fix: 'list the actions the workload calls (e.g. "logs:PutLogEvents"), never "*"',
  level: "error",
  appliesTo: [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
    "data.aws_iam_policy_document",
  ],
  check: ({ type, attributes }) => {
    if (type === "data.aws_iam_policy_document") {
      const statements = blocks(attributes.statement);
      const index = statements.findIndex((s) => allowsEverything(s.effect, s.actions));
      return index < 0 ? undefined : `statement ${index} allows actions ["*"]`;
    }
    for (const document of documentsOf(type, attributes)) {
      const statements = statementsOf(document);
      const index = statements.findIndex((s) => allowsEverything(s.Effect, s.Action));
      if (index >= 0) return `Statement ${index} allows Action "*"`;
    }
    return undefined;
  },
});
