import { block, defineRule, isKnown, isSecretName, stringMap } from "../../rule";

export const lambdaEnvNoSecrets = defineRule({
  id: "CKV_AWS_45",
  description: "Lambda environment variables hold no literal secrets",
  fix: "reference the secret (a random_password, a Secrets Manager ARN the function reads) instead of writing its value in code",
  level: "error",
  appliesTo: ["aws_lambda_function"],
  check: ({ attributes }) => {
    const variables = stringMap(block(attributes, "environment").variables);
    // A literal value under a secret's name is in cdk.tf.json and the plan; a reference is not.
    const leaked = Object.entries(variables)
      .filter(([name, value]) => isSecretName(name) && typeof value === "string" && value !== "" && isKnown(value))
      .map(([name]) => name);
    return leaked.length === 0 ? undefined : `environment variable(s) ${leaked.join(", ")} hold a literal value`;
  },
});
