/**
 * CloudWatch log groups created by the stack before the workload writes to
 * them, so retention and encryption are ours and not the service default
 * (never expire, unencrypted by our key).
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { ConstructError } from "../contract/errors";

/** The only retention values CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Throws a readable error when `days` is not a CloudWatch retention value. */
export function assertCloudWatchRetention(days: number): void {
  if (Token.isUnresolved(days)) return;
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new ConstructError(
      "BPE_AWS_1",
      undefined,
      `service.logRetentionDays is ${days}, which CloudWatch Logs does not accept on AWS; use one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
    );
  }
}

export interface RetainedLogGroupProps {
  /** Log group name, e.g. `/aws/lambda/<function>`. */
  readonly name: string;
  /** Days to keep events; must be a CloudWatch retention value. */
  readonly retentionDays: number;
  /** KMS key that encrypts the events (its policy must allow CloudWatch Logs). */
  readonly kmsKeyArn: string;
}

export function retainedLogGroup(scope: Construct, id: string, props: RetainedLogGroupProps): CloudwatchLogGroup {
  assertCloudWatchRetention(props.retentionDays);
  return new CloudwatchLogGroup(scope, id, {
    name: props.name,
    retentionInDays: props.retentionDays,
    kmsKeyId: props.kmsKeyArn,
  });
}
