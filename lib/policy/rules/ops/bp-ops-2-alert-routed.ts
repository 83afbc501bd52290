import { block, blocks, defineRule, isToken } from "../../rule";
import { ALERT_TYPES } from "./alerts";

/** Whether a list attribute names at least one destination (a token counts: its value comes at apply). */
const some = (value: unknown): boolean => isToken(value) || (Array.isArray(value) && value.length > 0);

export const alertRouted = defineRule({
  id: "BP_OPS_2",
  description: "Every alert notifies the environment's route",
  fix: "pass the environment's route (SNS topic, action group, notification channels, notification mechanisms) to the alert",
  level: "error",
  appliesTo: [...ALERT_TYPES],
  check: ({ type, attributes, address, resources }) => {
    switch (type) {
      case "aws_cloudwatch_metric_alarm":
      case "aws_cloudwatch_composite_alarm": {
        if (some(attributes.alarm_actions)) return undefined;
        // A window of a burn-rate alarm notifies through the composite alarm whose rule names it.
        const composite = resources?.(["aws_cloudwatch_composite_alarm"]).find(
          (c) => address !== undefined && c.text.includes(`${address}.`) && some(c.attributes.alarm_actions),
        );
        return composite === undefined
          ? "alarm_actions is empty and no routed composite alarm refers to it"
          : undefined;
      }
      case "azurerm_monitor_metric_alert":
        return blocks(attributes.action).some((a) => a.action_group_id !== undefined)
          ? undefined
          : "has no action block with an action_group_id";
      case "azurerm_monitor_scheduled_query_rules_alert_v2":
        return some(block(attributes, "action").action_groups) ? undefined : "action.action_groups is empty";
      case "google_monitoring_alert_policy":
        return some(attributes.notification_channels) ? undefined : "notification_channels is empty";
      case "cloudflare_notification_policy": {
        const mechanisms = block(attributes, "mechanisms");
        return ["email", "webhooks", "pagerduty"].some((m) => some(mechanisms[m]))
          ? undefined
          : "mechanisms names no email, webhook or PagerDuty destination";
      }
      default:
        return undefined;
    }
  },
});
