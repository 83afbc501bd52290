import { defineRule, show } from "../../rule";
import { ciPurposeOfPrincipal } from "./identities";

/** Roles that read secret values or grant themselves that read (data plane), or everything. */
const SECRET_READING_ROLES = new Set([
  "Key Vault Secrets User",
  "Key Vault Secrets Officer",
  "Key Vault Administrator",
  "Key Vault Data Access Administrator",
  "Key Vault Certificate User",
  "Key Vault Crypto User",
  "Owner",
  "Contributor",
  "Storage Account Contributor",
  "Storage Blob Data Owner",
  "Storage Blob Data Contributor",
]);

export const planNoSecretReadAzure = defineRule({
  id: "BP_AZ_9",
  description:
    "CI plan identities get no role that reads secret values (Key Vault data roles, Owner, Contributor, storage keys)",
  fix: "give the plan identity Reader (and Storage Blob Data Reader for state) only; secret values stay with the deploy identity and the workload",
  level: "error",
  appliesTo: ["azurerm_role_assignment"],
  check: (input) => {
    const role = input.attributes.role_definition_name;
    if (typeof role !== "string" || !SECRET_READING_ROLES.has(role)) return undefined;
    return ciPurposeOfPrincipal(input) === "plan" ? `a plan identity is assigned ${show(role)}` : undefined;
  },
});
