import { defineRule } from "../../rule";

export const logGroupKms = defineRule({
  id: "CKV_AWS_158",
  description: "CloudWatch log groups are encrypted with a customer-managed KMS key",
  fix: "set kmsKeyId to the stack's KMS key ARN (its key policy lets logs.<region>.amazonaws.com use it)",
  level: "error",
  appliesTo: ["aws_cloudwatch_log_group"],
  check: ({ attributes }) =>
    attributes.kms_key_id === undefined || attributes.kms_key_id === ""
      ? "kms_key_id is unset: logs are readable by anyone allowed logs:GetLogEvents, with no key to revoke"
      : undefined,
});
