import { defineRule } from "../../rule";

export const logBucketRetention = defineRule({
  id: "BP_GCP_4",
  description: "Cloud Logging buckets state their retention",
  fix: "set retentionDays (retention_days) from the spec's logRetentionDays",
  level: "error",
  appliesTo: ["google_logging_project_bucket_config"],
  check: ({ attributes }) =>
    attributes.retention_days === undefined ? "retention_days is unset (30 days, whatever the spec says)" : undefined,
});
