import { block, defineRule, show } from "../../rule";
import { FUNCTION_APP_TYPES } from "./function-apps";

export const functionAppMinTls = defineRule({
  id: "CKV_AZURE_145",
  description: "Function apps refuse TLS older than 1.2",
  fix: 'set siteConfig: { minimumTlsVersion: "1.2" } (site_config.minimum_tls_version; the default)',
  level: "error",
  appliesTo: FUNCTION_APP_TYPES,
  check: ({ attributes }) => {
    const version = block(attributes, "site_config").minimum_tls_version;
    return version === "1.0" || version === "1.1" ? `site_config.minimum_tls_version is ${show(version)}` : undefined;
  },
});
