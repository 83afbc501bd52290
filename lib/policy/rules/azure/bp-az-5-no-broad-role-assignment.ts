import { defineRule, show } from "../../rule";

// Built-in roles that can change anything, or change who can (ids are the same in every tenant).
const BROAD_ROLES: Readonly<Record<string, string>> = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
};

export const noBroadRoleAssignment = defineRule({
  id: "BP_AZ_5",
  description: "Role assignments grant narrow built-in roles, not Owner, Contributor or User Access Administrator",
  fix: 'assign the narrowest role for the job (e.g. "AcrPull", "Storage Blob Data Reader") on the resource, not the group or subscription',
  level: "error",
  appliesTo: ["azurerm_role_assignment"],
  check: ({ attributes }) => {
    const name = attributes.role_definition_name;
    if (typeof name === "string" && Object.hasOwn(BROAD_ROLES, name)) return `role_definition_name is ${show(name)}`;
    const id = attributes.role_definition_id;
    const role = Object.entries(BROAD_ROLES).find(
      ([, guid]) => typeof id === "string" && id.toLowerCase().endsWith(guid),
    );
    return role ? `role_definition_id is the ${role[0]} role` : undefined;
  },
});
