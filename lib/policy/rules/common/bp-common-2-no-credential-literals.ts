import { defineRule, strings } from "../../rule";
import { credentialIn } from "./secrets";

export const noCredentialLiterals = defineRule({
  id: "BP_COMMON_2",
  description: "No credential is written into the configuration",
  fix: "remove the literal; reference a secret store or a generated value, and let providers read credentials from the environment",
  level: "error",
  appliesTo: ["*"],
  check: ({ attributes }) => {
    for (const [path, text] of strings(attributes)) {
      const kind = credentialIn(text);
      if (kind !== undefined) return `${path} contains ${kind}`;
    }
    return undefined;
  },
});
