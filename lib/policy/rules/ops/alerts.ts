import type { StackResource } from "../../rule";

/** What the operations rules count as a workload and as an alert, per provider. */

/** Resources that serve the workload: each must be watched by an alert. */
export const WORKLOAD_TYPES = [
  "aws_lambda_function",
  "aws_ecs_service",
  "azurerm_function_app_flex_consumption",
  "azurerm_linux_function_app",
  "azurerm_container_app",
  "google_cloudfunctions2_function",
  "google_cloud_run_v2_service",
] as const;

/** Resources that notify someone when a condition holds. */
export const ALERT_TYPES = [
  "aws_cloudwatch_metric_alarm",
  "aws_cloudwatch_composite_alarm",
  "azurerm_monitor_metric_alert",
  "azurerm_monitor_scheduled_query_rules_alert_v2",
  "google_monitoring_alert_policy",
  "cloudflare_notification_policy",
] as const;

/**
 * The stack's alerts that refer to a workload: by reference (`${aws_lambda_function.x.function_name}`)
 * or, in metric filters, by its literal name (`resource.label."service_name"="shop-prod-run"`).
 */
export function alertsOf(
  address: string,
  attributes: Readonly<Record<string, unknown>>,
  resources: (types: readonly string[]) => readonly StackResource[],
): StackResource[] {
  const name = typeof attributes.name === "string" ? attributes.name : undefined;
  const named = name === undefined ? undefined : new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`);
  return resources(ALERT_TYPES).filter(
    (alert) => alert.text.includes(`${address}.`) || named?.test(alert.text) === true,
  );
}
