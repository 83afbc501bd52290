/**
 * One validation path for ServiceSpec: the cloud-neutral rules, written once
 * here, plus a limits table each cloud contributes per target kind
 * (`lib/<cloud>/validation.ts`). Every target calls `assertSpec` first; the
 * problems name the environment and the field where a user changes the value
 * (`staging.service.logRetentionDays: 45 is not a CloudWatch retention (1, 3,
 * 5, 7, 14, 30, …)`). Values that are still Terraform tokens are skipped.
 */
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { SERVICE_NAME } from "../config/company";
import { ENV_NAME } from "../config/schema";
import type { ServiceSpec } from "../service";
import { ConstructError } from "./errors";
import { CONTRACT_VARIABLES } from "./workload-environment";

/** Where a user sets each field: a path in the environment's config, or `SERVICE` in app/contract.ts. */
export const SPEC_FIELD_PATHS: Readonly<Record<keyof ServiceSpec, string>> = {
  name: "company.service",
  version: "SERVICE.version",
  environment: "name",
  memoryMb: "service.memoryMb",
  timeoutSeconds: "service.timeoutSeconds",
  minInstances: "service.minInstances",
  maxInstances: "service.maxInstances",
  environmentVariables: "SERVICE.environmentVariables",
  secretNames: "SERVICE.secretNames",
  healthPath: "SERVICE.healthPath",
  containerPort: "SERVICE.containerPort",
  image: "containerImage",
  logRetentionDays: "service.logRetentionDays",
  canaryPercent: "canaryPercent",
};

/** A variable or secret name every cloud accepts: a letter, then letters, digits, underscores. */
export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const HEALTH_PATH = /^\/[^\s?#]*$/;

type NumericField =
  | "memoryMb"
  | "timeoutSeconds"
  | "minInstances"
  | "maxInstances"
  | "logRetentionDays"
  | "canaryPercent"
  | "containerPort";

/** What one product allows for a number: a range, or a list of values. */
export interface NumberLimit {
  /** Who sets the limit, for the message ("Lambda", "Cloud Run"). */
  readonly by: string;
  /** @default - no lower bound beyond the generic rules */
  readonly min?: number;
  /** @default - no upper bound */
  readonly max?: number;
  /** The only values accepted (CloudWatch retentions). @default - any value in range */
  readonly oneOf?: readonly number[];
  /** What a value of `oneOf` is called ("CloudWatch retention"). @default `${by} value` */
  readonly oneOfName?: string;
}

/** One target's limits on top of the generic rules. */
export interface SpecLimits {
  readonly numbers?: Readonly<Partial<Record<NumericField, NumberLimit>>>;
  /**
   * Variable names the product reserves or sets itself; a spec variable or
   * secret of that name is refused.
   * @default - none beyond the contract's own variables
   */
  readonly reservedVariables?: { readonly by: string; readonly names?: readonly string[]; readonly pattern?: RegExp };
  /** Further problems only this product has, as `[field, what is wrong]`. @default - none */
  readonly extra?: (spec: ServiceSpec) => readonly (readonly [keyof ServiceSpec, string])[];
}

const known = (value: unknown): boolean => !Token.isUnresolved(value);
const wholeAtLeast = (value: number, min: number) => Number.isInteger(value) && value >= min;

/** The generic rules: `[field, what is wrong]` for every problem, whatever the cloud. */
function genericProblems(spec: ServiceSpec): [keyof ServiceSpec, string][] {
  const problems: [keyof ServiceSpec, string][] = [];
  const add = (field: keyof ServiceSpec, ok: boolean, message: string) => {
    if (known(spec[field]) && !ok) problems.push([field, message]);
  };
  add("name", SERVICE_NAME.test(spec.name), `"${spec.name}" must be 3-16 lowercase letters, digits or hyphens`);
  add(
    "environment",
    ENV_NAME.test(spec.environment),
    `"${spec.environment}" must be 2-20 lowercase letters, digits or hyphens, starting with a letter`,
  );
  add("memoryMb", wholeAtLeast(spec.memoryMb, 128), `${spec.memoryMb} must be a whole number of MB, at least 128`);
  add(
    "timeoutSeconds",
    wholeAtLeast(spec.timeoutSeconds, 1),
    `${spec.timeoutSeconds} must be a whole number, at least 1`,
  );
  add("minInstances", wholeAtLeast(spec.minInstances, 0), `${spec.minInstances} must be a whole number, 0 or more`);
  add("maxInstances", wholeAtLeast(spec.maxInstances, 1), `${spec.maxInstances} must be a whole number, at least 1`);
  if (known(spec.maxInstances)) {
    add(
      "minInstances",
      spec.minInstances <= spec.maxInstances,
      `${spec.minInstances} is greater than maxInstances (${spec.maxInstances})`,
    );
  }
  add(
    "logRetentionDays",
    wholeAtLeast(spec.logRetentionDays, 1),
    `${spec.logRetentionDays} must be a whole number of days, at least 1`,
  );
  add(
    "canaryPercent",
    wholeAtLeast(spec.canaryPercent, 0) && spec.canaryPercent < 100,
    `${spec.canaryPercent} must be a whole number from 0 to 99`,
  );
  add(
    "containerPort",
    wholeAtLeast(spec.containerPort, 1) && spec.containerPort <= 65535,
    `${spec.containerPort} must be a port number (1-65535)`,
  );
  add("healthPath", HEALTH_PATH.test(spec.healthPath), `"${spec.healthPath}" must be a path starting with "/"`);
  add("image", spec.image.trim() !== "", "is empty; set containerImage in environments/company.ts");
  for (const name of Object.keys(spec.environmentVariables)) {
    if (!VARIABLE_NAME.test(name)) {
      problems.push(["environmentVariables", `"${name}" is not a variable name (a letter, then letters, digits, _)`]);
    } else if (CONTRACT_VARIABLES.includes(name) || spec.secretNames.includes(name)) {
      problems.push(["environmentVariables", `"${name}" is set by every target (or is a secret name); rename it`]);
    }
  }
  const seen = new Set<string>();
  for (const name of spec.secretNames) {
    if (!VARIABLE_NAME.test(name)) {
      problems.push(["secretNames", `"${name}" is not a variable name (a letter, then letters, digits, _)`]);
    } else if (CONTRACT_VARIABLES.includes(name)) {
      problems.push(["secretNames", `"${name}" is set by every target; rename it`]);
    } else if (seen.has(name)) {
      problems.push(["secretNames", `"${name}" is listed twice`]);
    }
    seen.add(name);
  }
  return problems;
}

function limitProblems(spec: ServiceSpec, limits: SpecLimits): (readonly [keyof ServiceSpec, string])[] {
  const problems: [keyof ServiceSpec, string][] = [];
  for (const [field, limit] of Object.entries(limits.numbers ?? {}) as [NumericField, NumberLimit][]) {
    const value = spec[field];
    if (!known(value)) continue;
    if (limit.oneOf !== undefined && !limit.oneOf.includes(value)) {
      const shown = limit.oneOf.slice(0, 6).join(", ");
      problems.push([
        field,
        `${value} is not a ${limit.oneOfName ?? `${limit.by} value`} (${shown}${limit.oneOf.length > 6 ? ", …" : ""})`,
      ]);
    } else if (limit.max !== undefined && value > limit.max) {
      problems.push([field, `${value} is above the maximum of ${limit.max} on ${limit.by}`]);
    } else if (limit.min !== undefined && value < limit.min) {
      problems.push([field, `${value} is below the minimum of ${limit.min} on ${limit.by}`]);
    }
  }
  const reserved = limits.reservedVariables;
  if (reserved !== undefined) {
    const taken = (name: string) => reserved.names?.includes(name) === true || reserved.pattern?.test(name) === true;
    for (const name of Object.keys(spec.environmentVariables).filter(taken)) {
      problems.push(["environmentVariables", `"${name}" is reserved by ${reserved.by}; rename it`]);
    }
    for (const name of spec.secretNames.filter(taken)) {
      problems.push(["secretNames", `"${name}" is reserved by ${reserved.by}; rename it`]);
    }
  }
  return [...problems, ...(limits.extra?.(spec) ?? [])];
}

/** Every problem of `spec` for a target with `limits`, one line each: `<env>.<field.path>: <what is wrong>`. */
export function specProblems(spec: ServiceSpec, limits: SpecLimits = {}): string[] {
  const label = known(spec.environment) && spec.environment !== "" ? spec.environment : "spec";
  return [...genericProblems(spec), ...limitProblems(spec, limits)].map(
    ([field, message]) => `${label}.${SPEC_FIELD_PATHS[field]}: ${message}`,
  );
}

/**
 * Throws one ConstructError, under `scope`'s path, listing every problem of
 * `spec` for this target, then `propsProblems` (the target's own props, as
 * `props.<name>: <what is wrong>`).
 */
export function assertSpec(
  scope: IConstruct,
  spec: ServiceSpec,
  limits: SpecLimits = {},
  propsProblems: readonly string[] = [],
): void {
  const problems = [...specProblems(spec, limits), ...propsProblems];
  if (problems.length > 0) throw new ConstructError("BPE_SPEC_1", scope.node.path, problems);
}
