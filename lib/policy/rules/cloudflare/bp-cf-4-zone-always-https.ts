import { defineRule } from "../../rule";
import { zoneSettingValue } from "./zone-setting";

export const zoneAlwaysHttps = defineRule({
  id: "BP_CF_4",
  description: "The zone redirects HTTP to HTTPS",
  fix: 'set the always_use_https zone setting\'s value to "on"',
  level: "error",
  appliesTo: ["cloudflare_zone_setting"],
  check: ({ attributes }) =>
    zoneSettingValue(attributes, "always_use_https") === "off" ? 'always_use_https is "off"' : undefined,
});
