import { defineRule, show } from "../../rule";
import { zoneSettingValue } from "./zone-setting";

export const zoneMinTls = defineRule({
  id: "BP_CF_2",
  description: "The zone refuses TLS older than 1.2 at the edge",
  fix: 'set the min_tls_version zone setting\'s value to "1.2" (or "1.3")',
  level: "error",
  appliesTo: ["cloudflare_zone_setting"],
  check: ({ attributes }) => {
    const value = zoneSettingValue(attributes, "min_tls_version");
    return value === "1.0" || value === "1.1" ? `min_tls_version is ${show(value)}` : undefined;
  },
});
