import { defineRule } from "../../rule";
import { secretReferences } from "./secrets";

export const secretOutputsSensitive = defineRule({
  id: "BP_COMMON_1",
  description: "Outputs that carry a secret are marked sensitive",
  fix: "set sensitive: true on the TerraformOutput, or do not output the secret",
  level: "error",
  appliesTo: ["output"],
  check: ({ attributes, expression }) => {
    if (attributes.sensitive === true) return undefined;
    const references = secretReferences(expression(attributes.value));
    return references.length === 0 ? undefined : `value references ${references.join(", ")} and sensitive is not true`;
  },
});
