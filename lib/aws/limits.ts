/**
 * AWS's limits table: the documented Lambda, Fargate, load balancer,
 * CloudWatch Logs and IAM limits the AWS targets depend on, each with the
 * page that states it (checked 2026-12-06). validation.ts checks ServiceSpec
 * against it at synth.
 */
import type { LimitsTable } from "../contract/limits";
import { CLOUDWATCH_RETENTION_DAYS } from "./logs";

export const AWS_PLATFORM_LIMITS = {
  /** Lambda memory: 128 MB to 10,240 MB. */
  lambdaMemoryMb: {
    by: "Lambda",
    min: 128,
    max: 10240,
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
  },
  /** Lambda function timeout: up to 900 s. */
  lambdaTimeoutSeconds: {
    by: "Lambda",
    min: 1,
    max: 900,
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
  },
  /** The largest Fargate task: 120 GB (16 vCPU). */
  fargateMemoryMb: {
    by: "Fargate",
    max: 122880,
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
  },
  /** An Application Load Balancer's idle timeout: 1 to 4000 s (the container's request timeout). */
  albIdleTimeoutSeconds: {
    by: "the load balancer's idle timeout",
    min: 1,
    max: 4000,
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout",
  },
  /** Log group retention: only these values. */
  logRetentionDays: {
    by: "CloudWatch Logs",
    oneOf: CLOUDWATCH_RETENTION_DAYS,
    oneOfName: "CloudWatch retention",
    doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  },
  /** IAM role names: 64 characters at most. */
  iamRoleNameLength: {
    by: "IAM",
    max: 64,
    doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
  },
  /** Load balancer and target group names: 32 characters at most. */
  loadBalancerNameLength: {
    by: "Elastic Load Balancing",
    max: 32,
    doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
  },
} as const satisfies LimitsTable;

/** Lambda's reserved variable names (the runtime sets them); a container would silently shadow its own. */
export const LAMBDA_RESERVED_VARIABLES = {
  pattern: /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_|TZ$)/,
  doc: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime",
} as const;
