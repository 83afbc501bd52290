/** The value of a `cloudflare_zone_setting` if it manages `settingId`, else `undefined`. */
export function zoneSettingValue(attributes: Readonly<Record<string, unknown>>, settingId: string): unknown {
  if (attributes.setting_id !== settingId) return undefined;
  const value = attributes.value;
  // Most settings are a plain string; a few providers' examples wrap it as { value: ... }.
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "value" in value) {
    return (value as { value: unknown }).value;
  }
  return value;
}
