import { blocks, defineRule } from "../../rule";

export const containerAppRegistryIdentity = defineRule({
  id: "BP_AZ_3",
  description: "Container Apps pull images with a managed identity, not a registry password",
  fix: "set registry: [{ server, identity: <user-assigned identity id> }] instead of username/passwordSecretName",
  level: "error",
  appliesTo: ["azurerm_container_app"],
  check: ({ attributes }) => {
    const withPassword = blocks(attributes.registry).filter((r) => r.password_secret_name !== undefined);
    return withPassword.length === 0
      ? undefined
      : `registry ${withPassword.map((r) => r.server).join(", ")} uses password_secret_name`;
  },
});
