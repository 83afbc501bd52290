import { defineRule, isKnown } from "../../rule";

export const storageNoPublicBlobs = defineRule({
  id: "CKV_AZURE_190",
  description: "Storage accounts do not let containers or blobs be public",
  fix: "set allowNestedItemsToBePublic: false (allow_nested_items_to_be_public defaults to true)",
  level: "error",
  appliesTo: ["azurerm_storage_account"],
  check: ({ attributes }) => {
    const value = attributes.allow_nested_items_to_be_public;
    if (!isKnown(value) || value === false) return undefined;
    return value === undefined
      ? "allow_nested_items_to_be_public is unset (true)"
      : "allow_nested_items_to_be_public is true";
  },
});
