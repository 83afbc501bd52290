import { blocks, defineRule, isKnown } from "../../rule";

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
}

/** Statements of a policy JSON string; none when the text is a token or not JSON. */
function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== "string") return [];
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const list = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    return list.filter((s): s is Statement => typeof s === "object" && s !== null);
  } catch {
    return []; // a token (jsonencode, a data source) or a template: judged where the document is built
  }
}

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
    const documents =
      type === "aws_iam_role" ? blocks(attributes.inline_policy).map((p) => p.policy) : [attributes.policy];
    for (const document of documents) {
      const statements = statementsOf(document);
      const index = statements.findIndex((s) => allowsEverything(s.Effect, s.Action));
      if (index >= 0) return `Statement ${index} allows Action "*"`;
    }
    return undefined;
  },
});
