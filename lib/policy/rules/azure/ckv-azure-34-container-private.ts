import { defineRule, show } from "../../rule";

export const storageContainerPrivate = defineRule({
  id: "CKV_AZURE_34",
  description: "Blob containers are private: no anonymous read of blobs or of the container listing",
  fix: 'set containerAccessType to "private" (or leave it unset)',
  level: "error",
  appliesTo: ["azurerm_storage_container"],
  check: ({ attributes }) => {
    const access = attributes.container_access_type;
    return access === undefined || access === "private" ? undefined : `container_access_type is ${show(access)}`;
  },
});
