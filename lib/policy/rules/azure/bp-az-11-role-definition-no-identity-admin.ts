import { blocks, defineRule } from "../../rule";

/**
 * Writes that make or change who can do what: assignments and definitions,
 * and managed identities with their federated credentials (an identity
 * federated to any issuer is a lasting way in). Bootstrap makes identities
 * and grants (docs/bootstrap.md, "Bootstrap owns identity").
 */
export const IDENTITY_ADMIN_ACTIONS = [
  "Microsoft.Authorization/roleAssignments/write",
  "Microsoft.Authorization/roleDefinitions/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/write",
  "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
] as const;

/** Azure's action matching: case-insensitive, `*` any run of characters. */
function matches(pattern: string, action: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*");
  return new RegExp(`^${regex}$`).test(action.toLowerCase());
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** Custom roles (the CI deploy role) neither grant access nor make or federate identities. */
export const roleDefinitionNoIdentityAdmin = defineRule({
  id: "BP_AZ_11",
  description: "Custom roles cannot assign roles or create managed identities and federated credentials",
  fix: "list the resource providers the stacks use in actions and keep Microsoft.Authorization/*/Write and the Microsoft.ManagedIdentity writes in notActions; bootstrap makes identities and grants",
  level: "error",
  appliesTo: ["azurerm_role_definition"],
  check: ({ attributes }) => {
    for (const permission of blocks(attributes.permissions)) {
      const actions = strings(permission.actions);
      const notActions = strings(permission.not_actions);
      const allowed = IDENTITY_ADMIN_ACTIONS.filter(
        (action) => actions.some((p) => matches(p, action)) && !notActions.some((p) => matches(p, action)),
      );
      if (allowed.length > 0) return `permissions allow ${allowed.join(", ")}`;
    }
    return undefined;
  },
});
