import { defineRule } from "../../rule";
import { credentialIn, secretReferences } from "./secrets";

/**
 * Where each function and container product keeps the settings anyone with
 * read access to the service's configuration can see. Secret stores and
 * their references (SSM parameter names and ARNs, Key Vault references,
 * Container Apps `secret` blocks, Secret Manager `secret_key_ref`s) are
 * elsewhere or only name a secret, so they pass.
 */
export const WORKLOAD_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  aws_lambda_function: ["environment"],
  aws_ecs_task_definition: ["container_definitions"],
  azurerm_function_app_flex_consumption: ["app_settings"],
  azurerm_linux_function_app: ["app_settings"],
  azurerm_windows_function_app: ["app_settings"],
  azurerm_linux_web_app: ["app_settings"],
  azurerm_container_app: ["template"],
  google_cloudfunctions2_function: ["service_config"],
  google_cloud_run_v2_service: ["template"],
};

export const noSecretInWorkloadSettings = defineRule({
  id: "BP_COMMON_4",
  description: "Function and container settings carry no secret value, only references to a secret store",
  fix: "store the value in the cloud's secret store (SSM SecureString, Key Vault secret, Container Apps secret, Secret Manager) and pass its name or reference",
  level: "error",
  appliesTo: Object.keys(WORKLOAD_SETTINGS),
  check: ({ type, attributes, expression }) => {
    for (const attribute of WORKLOAD_SETTINGS[type] ?? []) {
      const text = expression(attributes[attribute]);
      const references = secretReferences(text);
      if (references.length > 0) return `${attribute} holds the value of ${references.join(", ")}`;
      const credential = credentialIn(text);
      if (credential !== undefined) return `${attribute} holds ${credential}`;
    }
    return undefined;
  },
});
