/**
 * Constructor checks shared by both Azure targets: every problem at once, in
 * one error naming the construct. Values that are still Terraform tokens are
 * not checked (they are only known at apply time).
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";
import type { ServiceSpec } from "../service";
import { assertSecretNames } from "./secrets";
import type { AzureSettings } from "./settings";

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Problems with the fields both targets use. */
export function specProblems(spec: ServiceSpec, settings: AzureSettings): string[] {
  const problems: string[] = [];
  const known = (value: unknown) => !Token.isUnresolved(value);
  if (known(spec.name) && !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(spec.name)) {
    problems.push(`spec.name "${spec.name}" must be lowercase letters, digits and hyphens`);
  }
  if (known(spec.environment) && !/^[a-z][a-z0-9-]*$/.test(spec.environment)) {
    problems.push(`spec.environment "${spec.environment}" must be lowercase letters, digits and hyphens`);
  }
  if (known(settings.subscriptionId) && settings.subscriptionId.length === 0) {
    problems.push("settings.subscriptionId is empty");
  }
  if (known(spec.memoryMb) && (!Number.isInteger(spec.memoryMb) || spec.memoryMb < 128 || spec.memoryMb > 4096)) {
    problems.push(`spec.memoryMb ${spec.memoryMb} must be a whole number from 128 to 4096`);
  }
  if (known(spec.timeoutSeconds) && (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds < 1)) {
    problems.push(`spec.timeoutSeconds ${spec.timeoutSeconds} must be a whole number of seconds, at least 1`);
  }
  if (known(spec.minInstances) && (!Number.isInteger(spec.minInstances) || spec.minInstances < 0)) {
    problems.push(`spec.minInstances ${spec.minInstances} must be a whole number, 0 or more`);
  }
  if (known(spec.maxInstances) && (!Number.isInteger(spec.maxInstances) || spec.maxInstances < 1)) {
    problems.push(`spec.maxInstances ${spec.maxInstances} must be a whole number, at least 1`);
  }
  if (known(spec.minInstances) && known(spec.maxInstances) && spec.minInstances > spec.maxInstances) {
    problems.push(`spec.minInstances ${spec.minInstances} is greater than spec.maxInstances ${spec.maxInstances}`);
  }
  if (known(spec.healthPath) && !spec.healthPath.startsWith("/")) {
    problems.push(`spec.healthPath "${spec.healthPath}" must start with "/"`);
  }
  if (known(spec.logRetentionDays) && (!Number.isInteger(spec.logRetentionDays) || spec.logRetentionDays < 1)) {
    problems.push(`spec.logRetentionDays ${spec.logRetentionDays} must be a whole number of days, at least 1`);
  }
  if (
    known(spec.canaryPercent) &&
    (!Number.isInteger(spec.canaryPercent) || spec.canaryPercent < 0 || spec.canaryPercent > 100)
  ) {
    problems.push(`spec.canaryPercent ${spec.canaryPercent} must be a whole number from 0 to 100`);
  }
  for (const name of Object.keys(spec.environmentVariables)) {
    if (!ENV_VAR.test(name)) problems.push(`spec.environmentVariables: "${name}" is not an environment variable name`);
  }
  try {
    assertSecretNames(spec.secretNames);
  } catch (error) {
    problems.push(`spec.secretNames: ${(error as Error).message}`);
  }
  return problems;
}

/** Variables the target sets itself; the spec may not redefine them. */
export function reservedProblems(spec: ServiceSpec, reserved: readonly string[]): string[] {
  const taken = new Set([...reserved, ...spec.secretNames]);
  return Object.keys(spec.environmentVariables)
    .filter((name) => taken.has(name))
    .map((name) => `spec.environmentVariables.${name} is set by the target (or is a secret name); rename it`);
}

export function throwIfProblems(scope: Construct, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid props:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}
