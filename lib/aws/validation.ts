/**
 * Checks a ServiceSpec against AWS limits the config schema does not know
 * (CloudWatch retention values, Lambda reserved variable names...). Each
 * problem is one readable line naming the field; unresolved tokens are skipped.
 */
import { Token } from "cdktf";
import type { ServiceSpec } from "../service";
import { CLOUDWATCH_RETENTION_DAYS } from "./logs";

// Lambda refuses these keys; a container would silently shadow its own.
const RESERVED_ENV = /^(AWS_|_HANDLER$|_X_AMZN_TRACE_ID$|LAMBDA_|TZ$)/;
const ENV_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,19}$/;

const known = (value: unknown): boolean => !Token.isUnresolved(value);

/** Every problem of `spec` on AWS, empty when there is none. */
export function awsSpecProblems(spec: ServiceSpec): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  if (known(spec.name))
    check(SERVICE_NAME.test(spec.name), `name "${spec.name}" must be 3-16 lowercase letters, digits or hyphens`);
  if (known(spec.environment)) {
    check(
      ENVIRONMENT_NAME.test(spec.environment),
      `environment "${spec.environment}" must be 2-20 lowercase letters, digits or hyphens`,
    );
  }
  if (known(spec.memoryMb))
    check(spec.memoryMb >= 128 && spec.memoryMb <= 10240, `memoryMb ${spec.memoryMb} must be 128-10240 on Lambda`);
  if (known(spec.timeoutSeconds))
    check(
      spec.timeoutSeconds >= 1 && spec.timeoutSeconds <= 900,
      `timeoutSeconds ${spec.timeoutSeconds} must be 1-900 on Lambda`,
    );
  if (known(spec.minInstances) && known(spec.maxInstances)) {
    check(spec.minInstances >= 0, `minInstances ${spec.minInstances} must be 0 or more`);
    check(spec.maxInstances >= 1, `maxInstances ${spec.maxInstances} must be at least 1`);
    check(
      spec.minInstances <= spec.maxInstances,
      `minInstances ${spec.minInstances} is greater than maxInstances ${spec.maxInstances}`,
    );
  }
  if (known(spec.logRetentionDays)) {
    check(
      (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(spec.logRetentionDays),
      `logRetentionDays ${spec.logRetentionDays} is not a CloudWatch retention; use one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
    );
  }
  if (known(spec.canaryPercent))
    check(spec.canaryPercent >= 0 && spec.canaryPercent < 100, `canaryPercent ${spec.canaryPercent} must be 0-99`);
  if (known(spec.healthPath))
    check(/^\/[^\s?#]*$/.test(spec.healthPath), `healthPath "${spec.healthPath}" must be a path starting with /`);
  if (known(spec.containerPort)) {
    check(
      Number.isInteger(spec.containerPort) && spec.containerPort >= 1 && spec.containerPort <= 65535,
      `containerPort ${spec.containerPort} must be 1-65535`,
    );
  }
  for (const key of [...Object.keys(spec.environmentVariables), ...spec.secretNames]) {
    check(
      ENV_KEY.test(key) && !RESERVED_ENV.test(key),
      `environment variable "${key}" is not allowed on AWS (letters, digits, _; not AWS_*, LAMBDA_*, _HANDLER, TZ)`,
    );
  }
  return problems;
}

/** Throws one error listing every problem of `spec` for `target`. */
export function assertAwsSpec(spec: ServiceSpec, target: string): void {
  const problems = awsSpecProblems(spec);
  if (problems.length > 0) {
    throw new Error(`${target}: the service spec does not fit AWS:\n  - ${problems.join("\n  - ")}`);
  }
}
