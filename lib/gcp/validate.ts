/** Checks of ServiceSpec values against what Cloud Run and Cloud Functions accept (unresolved tokens skipped). */
import { Token } from "cdktf";
import type { ServiceSpec } from "../service";

const known = (value: unknown): boolean => !Token.isUnresolved(value);

/** Throws one message listing every problem of `spec` for a GCP target. */
export function validateSpec(spec: ServiceSpec, target: string): void {
  const problems: string[] = [];
  const range = (field: keyof ServiceSpec, value: number, min: number, max: number) => {
    if (known(value) && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${field} is ${value}; ${target} accepts whole numbers from ${min} to ${max}`);
    }
  };
  range("memoryMb", spec.memoryMb, 128, 32768);
  range("timeoutSeconds", spec.timeoutSeconds, 1, 3600);
  range("minInstances", spec.minInstances, 0, 1000);
  range("maxInstances", spec.maxInstances, 1, 1000);
  range("containerPort", spec.containerPort, 1, 65535);
  range("canaryPercent", spec.canaryPercent, 0, 99);
  if (known(spec.minInstances) && known(spec.maxInstances) && spec.minInstances > spec.maxInstances) {
    problems.push(`minInstances (${spec.minInstances}) is greater than maxInstances (${spec.maxInstances})`);
  }
  if (known(spec.healthPath) && !spec.healthPath.startsWith("/")) {
    problems.push(`healthPath "${spec.healthPath}" must start with "/"`);
  }
  if (problems.length > 0)
    throw new Error(`GCP ${target} "${spec.name}" (${spec.environment}): ${problems.join("; ")}`);
}
