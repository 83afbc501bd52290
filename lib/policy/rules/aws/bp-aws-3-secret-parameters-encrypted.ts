import { defineRule, isKnown, isSecretName, show } from "../../rule";
import { looksRandom, secretReferences } from "../common/secrets";

/**
 * SSM parameters that hold a secret (a generated value, a secret-looking
 * name or value) are SecureString, encrypted with the stack's own KMS key:
 * a `String` parameter is readable by anyone with ssm:GetParameter, and the
 * AWS-managed `aws/ssm` key by every principal of the account allowed to use it.
 */
export const secretParametersEncrypted = defineRule({
  id: "BP_AWS_3",
  description: "SSM parameters holding a secret are SecureString, encrypted with a customer-managed KMS key",
  fix: 'set type "SecureString" and keyId to the stack\'s KMS key ARN (never the aws/ssm default)',
  level: "error",
  appliesTo: ["aws_ssm_parameter"],
  check: ({ attributes, expression }) => {
    const value = attributes.value ?? attributes.value_wo;
    const name = typeof attributes.name === "string" ? (attributes.name.split("/").pop() ?? "") : "";
    const secret =
      secretReferences(expression(value)).length > 0 ||
      isSecretName(name) ||
      (typeof value === "string" && isKnown(value) && looksRandom(value));
    const type = attributes.type;
    if (type !== "SecureString") {
      return secret && isKnown(type) ? `type is ${show(type)} for a parameter that holds a secret` : undefined;
    }
    const key = attributes.key_id;
    if (key === undefined) return "key_id is unset: the AWS-managed aws/ssm key encrypts it";
    return isKnown(key) && typeof key === "string" && /alias\/aws\/ssm$/.test(key)
      ? `key_id is the AWS-managed ${show(key)}`
      : undefined;
  },
});
