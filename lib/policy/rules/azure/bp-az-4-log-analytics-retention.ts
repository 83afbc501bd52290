import { defineRule } from "../../rule";

export const logAnalyticsRetention = defineRule({
  id: "BP_AZ_4",
  description: "Log Analytics workspaces state their retention",
  fix: "set retentionInDays (retention_in_days, 30-730) from the spec's logRetentionDays",
  level: "error",
  appliesTo: ["azurerm_log_analytics_workspace"],
  check: ({ attributes }) =>
    attributes.retention_in_days === undefined ? "retention_in_days is unset (the SKU default applies)" : undefined,
});
