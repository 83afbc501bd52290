import { defineRule } from "../../rule";

export const acrAdminDisabled = defineRule({
  id: "CKV_AZURE_137",
  description: "Container registries have the admin user (a shared password) disabled",
  fix: "remove adminEnabled (admin_enabled) and pull with a managed identity granted AcrPull",
  level: "error",
  appliesTo: ["azurerm_container_registry"],
  check: ({ attributes }) => (attributes.admin_enabled === true ? "admin_enabled is true" : undefined),
});
