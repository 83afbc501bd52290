import { defineRule, show } from "../../rule";

/**
 * Storage accounts keep a second layer of encryption at rest (infrastructure
 * encryption, fixed at creation) and no account keys: turning either off is
 * how "encryption off" and "anyone with the key" enter in code.
 */
export const storageEncryption = defineRule({
  id: "BP_AZ_7",
  description: "Storage accounts keep infrastructure encryption on and shared keys off",
  fix: "set infrastructureEncryptionEnabled to true and sharedAccessKeyEnabled to false (identities read by RBAC)",
  level: "error",
  appliesTo: ["azurerm_storage_account"],
  check: ({ attributes }) => {
    if (attributes.infrastructure_encryption_enabled !== true) {
      return `infrastructure_encryption_enabled is ${show(attributes.infrastructure_encryption_enabled ?? "unset")}`;
    }
    return attributes.shared_access_key_enabled === true ? "shared_access_key_enabled is true" : undefined;
  },
});
