import { blocks, defineRule, isSecretName } from "../../rule";
import { secretReferences } from "../common/secrets";

export const workerNoPlainTextSecrets = defineRule({
  id: "BP_CF_5",
  description: "Worker secrets are secret_text bindings, never plain_text (shown in the dashboard and API)",
  fix: 'bind it with type: "secret_text" (the value stays write-only), or rename it if it is not a secret',
  level: "error",
  appliesTo: ["cloudflare_workers_script", "cloudflare_worker_version"],
  check: ({ attributes, expression }) => {
    for (const binding of blocks(attributes.bindings)) {
      if (binding.type !== "plain_text") continue;
      const name = String(binding.name);
      if (isSecretName(name)) return `plain_text binding ${name} is named like a secret`;
      const references = secretReferences(expression(binding.text));
      if (references.length > 0) return `plain_text binding ${name} holds ${references.join(", ")}`;
    }
    return undefined;
  },
});
