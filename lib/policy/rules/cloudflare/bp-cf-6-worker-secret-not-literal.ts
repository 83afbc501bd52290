import { blocks, defineRule, isKnown } from "../../rule";

export const workerSecretNotLiteral = defineRule({
  id: "BP_CF_6",
  description: "Worker secret_text bindings reference a generated or stored secret, never a literal",
  fix: "set text to a reference (a random_password's result, a variable) so the value is not in cdk.tf.json",
  level: "error",
  appliesTo: ["cloudflare_workers_script", "cloudflare_worker_version"],
  check: ({ attributes }) => {
    const literal = blocks(attributes.bindings).find(
      (b) => b.type === "secret_text" && typeof b.text === "string" && b.text !== "" && isKnown(b.text),
    );
    return literal ? `secret_text binding ${String(literal.name)} holds a literal value` : undefined;
  },
});
