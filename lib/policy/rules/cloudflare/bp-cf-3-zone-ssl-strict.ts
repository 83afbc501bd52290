import { defineRule, show } from "../../rule";
import { zoneSettingValue } from "./zone-setting";

const WEAK = new Set(["off", "flexible", "full"]);

export const zoneSslStrict = defineRule({
  id: "BP_CF_3",
  description: "The zone connects to origins over HTTPS with certificate validation (SSL mode strict)",
  fix: 'set the ssl zone setting\'s value to "strict" ("full" accepts any certificate, "flexible" is plain HTTP)',
  level: "error",
  appliesTo: ["cloudflare_zone_setting"],
  check: ({ attributes }) => {
    const value = zoneSettingValue(attributes, "ssl");
    return typeof value === "string" && WEAK.has(value) ? `ssl is ${show(value)}` : undefined;
  },
});
