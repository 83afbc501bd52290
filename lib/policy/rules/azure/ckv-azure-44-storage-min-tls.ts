import { defineRule, show } from "../../rule";

export const storageMinTls = defineRule({
  id: "CKV_AZURE_44",
  description: "Storage accounts refuse TLS older than 1.2",
  fix: 'set minTlsVersion: "TLS1_2" (min_tls_version; the default in azurerm 4)',
  level: "error",
  appliesTo: ["azurerm_storage_account"],
  check: ({ attributes }) => {
    const version = attributes.min_tls_version;
    return version === "TLS1_0" || version === "TLS1_1" ? `min_tls_version is ${show(version)}` : undefined;
  },
});
