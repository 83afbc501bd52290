import { defineRule } from "../../rule";

export const acrAnonymousPullDisabled = defineRule({
  id: "CKV_AZURE_138",
  description: "Container registries refuse anonymous pulls",
  fix: "remove anonymousPullEnabled (anonymous_pull_enabled); pull with a managed identity granted AcrPull",
  level: "error",
  appliesTo: ["azurerm_container_registry"],
  check: ({ attributes }) =>
    attributes.anonymous_pull_enabled === true ? "anonymous_pull_enabled is true" : undefined,
});
