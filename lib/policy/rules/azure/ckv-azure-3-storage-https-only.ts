import { defineRule } from "../../rule";

export const storageHttpsOnly = defineRule({
  id: "CKV_AZURE_3",
  description: "Storage accounts accept HTTPS only",
  fix: "remove httpsTrafficOnlyEnabled: false (https_traffic_only_enabled defaults to true)",
  level: "error",
  appliesTo: ["azurerm_storage_account"],
  check: ({ attributes }) =>
    attributes.https_traffic_only_enabled === false ? "https_traffic_only_enabled is false" : undefined,
});
