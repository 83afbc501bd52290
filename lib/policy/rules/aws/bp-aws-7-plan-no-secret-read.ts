import { defineRule, show } from "../../rule";
import { actionMatches, allowedActions, listOf, statementsOf } from "./iam-documents";
import { ciPurposeOf, policyDocuments, roleOf } from "./roles";

/** Reading a secret's value, directly or by decrypting it. */
const SECRET_READS = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "kms:Decrypt"];

/** Managed policies a plan identity may hold: read-only, and none of them decrypts. */
const READ_ONLY_POLICIES = ["ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"];

/** The plan may decrypt SecureString parameters only through SSM, for refresh (kms:ViaService ssm.*). */
function viaSsmOnly(condition: unknown): boolean {
  const text = JSON.stringify(condition ?? {});
  return /"kms:ViaService":"ssm\.[^"]*"/.test(text);
}

/**
 * Or, on one named key (never `*`), only through S3: the environment's own
 * Terraform state, which bootstrap encrypts with a key of its own
 * (lib/bootstrap/state/aws.ts); a plan reads the state it refreshes.
 */
function stateKeyViaS3(statement: { Resource?: unknown; Condition?: unknown }): boolean {
  const resources = listOf(statement.Resource);
  const text = JSON.stringify(statement.Condition ?? {});
  return (
    resources.length > 0 &&
    resources.every((r) => typeof r === "string" && r !== "*" && !r.endsWith(":key/*")) &&
    /"kms:ViaService":"s3\.[^"*]*"/.test(text)
  );
}

/**
 * CI plan identities (trusted for a `plan` audience, from any branch for an
 * unprotected environment) read no secret beyond what a refresh needs:
 * SecureString parameters through SSM. No Secrets Manager values, no
 * decrypting with any key directly, no managed policy beyond read-only ones.
 */
export const planNoSecretRead = defineRule({
  id: "BP_AWS_7",
  description: "CI plan roles cannot read secret values (Secrets Manager, direct KMS decrypt, write or admin policies)",
  fix: "keep the plan role to ReadOnlyAccess plus kms:Decrypt with Condition StringLike kms:ViaService ssm.*.amazonaws.com; secrets the plan must not see belong in Secrets Manager",
  level: "error",
  appliesTo: ["aws_iam_role_policy", "aws_iam_role", "aws_iam_role_policy_attachment"],
  check: (input) => {
    if (input.type === "aws_iam_role_policy_attachment") {
      const role = roleOf(input, input.attributes.role);
      if (role === undefined || ciPurposeOf(role.attributes) !== "plan") return undefined;
      const arn = input.attributes.policy_arn;
      const name = typeof arn === "string" ? /:policy\/(.+)$/.exec(arn)?.[1] : undefined;
      return name === undefined || READ_ONLY_POLICIES.includes(name)
        ? undefined
        : `a plan role gets the managed policy ${show(name)}`;
    }
    const { role, documents } = policyDocuments(input);
    if (role === undefined || ciPurposeOf(role) !== "plan") return undefined;
    for (const document of documents) {
      for (const [index, statement] of statementsOf(document).entries()) {
        const reads = allowedActions(statement, SECRET_READS);
        if (listOf(statement.Action).includes("*")) return `Statement ${index} allows every action to a plan role`;
        const direct = reads.filter(
          (action) =>
            !actionMatches("kms:Decrypt", action) || !(viaSsmOnly(statement.Condition) || stateKeyViaS3(statement)),
        );
        if (direct.length > 0) return `Statement ${index} lets a plan role read secrets (${direct.join(", ")})`;
      }
    }
    return undefined;
  },
});
