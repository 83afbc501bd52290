import { defineRule, isKnown } from "../../rule";

export const logGroupRetention = defineRule({
  id: "CKV_AWS_66",
  description: "CloudWatch log groups expire their logs",
  fix: "set retentionInDays (retention_in_days) from the spec's logRetentionDays",
  level: "error",
  appliesTo: ["aws_cloudwatch_log_group"],
  check: ({ attributes }) => {
    const days = attributes.retention_in_days;
    if (!isKnown(days) || (typeof days === "number" && days > 0)) return undefined;
    return days === undefined ? "retention_in_days is unset (kept forever)" : "retention_in_days is 0 (kept forever)";
  },
});
