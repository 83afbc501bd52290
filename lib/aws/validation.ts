/**
 * AWS's limits for ServiceSpec, on top of the generic rules in
 * lib/contract/spec-validation.ts: what Lambda, Fargate, the ALB and
 * CloudWatch Logs accept, from the documented table in limits.ts.
 */
import type { TargetKind } from "../config/schema";
import type { NumberLimit, SpecLimits } from "../contract/spec-validation";
import { LAMBDA_RESERVED_VARIABLES, AWS_PLATFORM_LIMITS as LIMITS } from "./limits";

const RESERVED = { by: "AWS", pattern: LAMBDA_RESERVED_VARIABLES.pattern };

function awsLimits(memoryMb: NumberLimit, timeoutSeconds: NumberLimit): SpecLimits {
  return {
    numbers: { memoryMb, timeoutSeconds, logRetentionDays: LIMITS.logRetentionDays },
    reservedVariables: RESERVED,
  };
}

export const AWS_LIMITS: Readonly<Record<TargetKind, SpecLimits>> = {
  function: awsLimits(
    { by: "Lambda", max: LIMITS.lambdaMemoryMb.max },
    { by: "Lambda", max: LIMITS.lambdaTimeoutSeconds.max },
  ),
  // The largest Fargate task (16 vCPU, 120 GB); the request timeout is the ALB's idle timeout.
  container: awsLimits(
    { by: "Fargate", max: LIMITS.fargateMemoryMb.max },
    { by: LIMITS.albIdleTimeoutSeconds.by, max: LIMITS.albIdleTimeoutSeconds.max },
  ),
};
