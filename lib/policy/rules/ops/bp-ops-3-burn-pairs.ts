import { defineRule } from "../../rule";
import { alertsOf, WORKLOAD_TYPES } from "./alerts";

/** The attribute each alert type is named by. */
const NAME_OF: Readonly<Record<string, string>> = {
  aws_cloudwatch_metric_alarm: "alarm_name",
  aws_cloudwatch_composite_alarm: "alarm_name",
  azurerm_monitor_metric_alert: "name",
  azurerm_monitor_scheduled_query_rules_alert_v2: "name",
  google_monitoring_alert_policy: "display_name",
  cloudflare_notification_policy: "name",
};

/** The paging tiers (lib/monitoring/burn-rate.ts): the workbook's two and the medium 6x page, by their alert names' ending. */
const PAGE_TIERS = ["burn-fast", "burn-medium", "burn-slow"] as const;

export const burnPairs = defineRule({
  id: "BP_OPS_3",
  description:
    "Every workload target pages on each multiwindow burn-rate pair (fast: 1 h and 5 min; medium: 45 min and 4 min; slow: 6 h and 30 min)",
  fix: "alert on the target's availability objective with lib/monitoring/burn-rate.ts's tiers in lib/<cloud>/monitoring.ts, referring to the workload (a reference or its name), or suppress with the reason the environment wants no alerts (monitoring.silenced)",
  level: "error",
  appliesTo: [...WORKLOAD_TYPES],
  check: ({ address, attributes, resources }) => {
    if (address === undefined || resources === undefined) return undefined;
    const own = alertsOf(address, attributes, resources);
    const missing = PAGE_TIERS.filter(
      (tier) => !own.some((alert) => String(alert.attributes[NAME_OF[alert.type]] ?? "").endsWith(`-${tier}`)),
    );
    return missing.length === 0 ? undefined : `no ${missing.join(" or ")} alert refers to ${address}`;
  },
});
