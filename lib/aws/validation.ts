/**
 * AWS's limits table for ServiceSpec, on top of the generic rules in
 * lib/contract/spec-validation.ts: what Lambda, Fargate, the ALB and
 * CloudWatch Logs accept.
 */
import type { TargetKind } from "../config/schema";
import type { NumberLimit, SpecLimits } from "../contract/spec-validation";
import { CLOUDWATCH_RETENTION_DAYS } from "./logs";

const RETENTION: NumberLimit = {
  by: "CloudWatch Logs",
  oneOf: CLOUDWATCH_RETENTION_DAYS,
  oneOfName: "CloudWatch retention",
};

/** Lambda refuses these names; a container would silently shadow its own. */
const RESERVED = { by: "AWS", pattern: /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_|TZ$)/ };

function awsLimits(memoryMb: NumberLimit, timeoutSeconds: NumberLimit): SpecLimits {
  return { numbers: { memoryMb, timeoutSeconds, logRetentionDays: RETENTION }, reservedVariables: RESERVED };
}

export const AWS_LIMITS: Readonly<Record<TargetKind, SpecLimits>> = {
  function: awsLimits({ by: "Lambda", max: 10240 }, { by: "Lambda", max: 900 }),
  // The largest Fargate task (16 vCPU, 120 GB); the request timeout is the ALB's idle timeout.
  container: awsLimits({ by: "Fargate", max: 122880 }, { by: "the load balancer's idle timeout", max: 4000 }),
};
