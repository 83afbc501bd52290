import { blocks, defineRule } from "../../rule";

export const noStarRoleDefinition = defineRule({
  id: "CKV_AZURE_39",
  description: 'Custom role definitions do not allow "*" actions (an owner in disguise)',
  fix: 'list the actions the role needs (e.g. "Microsoft.Storage/storageAccounts/read"), never "*"',
  level: "error",
  appliesTo: ["azurerm_role_definition"],
  check: ({ attributes }) => {
    const star = blocks(attributes.permissions).some((p) => Array.isArray(p.actions) && p.actions.includes("*"));
    return star ? 'permissions.actions contains "*"' : undefined;
  },
});
