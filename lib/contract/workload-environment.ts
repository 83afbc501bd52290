/**
 * The one place that decides which variables the workload gets on every
 * target. Each of the six targets calls `workloadEnvironment` and maps the
 * result onto its product (Lambda variables, ECS environment and secrets,
 * app settings, Container Apps env, Cloud Functions and Cloud Run env), so the
 * same `WORKLOAD_ENV` variables land everywhere with the same values.
 *
 * Secrets are references, never values: a `SecretReference` names the secret
 * and each target resolves it through its cloud's store (SSM, Key Vault or a
 * Container Apps secret, Secret Manager).
 */
import { WORKLOAD_ENV } from "../../app/contract";
import type { Cloud, TargetKind } from "../config/schema";
import type { ServiceSpec } from "../service";

/** A workload variable filled from the cloud's secret store. */
export interface SecretReference {
  /** The secret's name: a `ServiceSpec.secretNames` entry, or `ORIGIN_SECRET`. */
  readonly secret: string;
  /**
   * The value when the stack generates it (a sensitive Terraform token, the
   * edge's origin secret): the target stores it first. Absent for secrets an
   * operator keeps in the store (`secretNames`).
   * @default - managed outside the stack
   */
  readonly value?: string;
}

/** A plain value, or a reference to a secret. */
export type WorkloadValue = string | SecretReference;

/** Variable name -> value, in a stable order: the spec's own variables, then the contract's, then secrets. */
export type WorkloadEnvironment = Readonly<Record<string, WorkloadValue>>;

/** Names of the `WORKLOAD_ENV` variables (`SERVICE_NAME`, `REGION`, ...). */
export type WorkloadVariable = (typeof WORKLOAD_ENV)[keyof typeof WORKLOAD_ENV];

export interface WorkloadEnvironmentOptions {
  /** The cloud the target runs on (`CLOUD`). */
  readonly cloud: Cloud;
  /** Region or location the target runs in (`REGION`), as the environment's config names it. */
  readonly region: string;
  /** Function or container: `PORT` is set for containers only. */
  readonly target: TargetKind;
  /**
   * The edge's shared secret (a Terraform token), passed as the `ORIGIN_SECRET` secret.
   * @default - no ORIGIN_SECRET: the workload accepts requests without the header
   */
  readonly originSecret?: string;
  /**
   * Contract variables the platform sets itself and refuses from the deployer
   * (Cloud Run sets `PORT` from the container port). The platform's value is
   * the same, so the workload sees the variable either way.
   * @default - none
   */
  readonly platformSets?: readonly WorkloadVariable[];
}

export const isSecretReference = (value: WorkloadValue): value is SecretReference => typeof value !== "string";

/** Every variable the workload receives on one target. */
export function workloadEnvironment(spec: ServiceSpec, options: WorkloadEnvironmentOptions): WorkloadEnvironment {
  const contract: Record<string, string> = {
    [WORKLOAD_ENV.serviceName]: spec.name,
    [WORKLOAD_ENV.serviceVersion]: spec.version,
    [WORKLOAD_ENV.environment]: spec.environment,
    [WORKLOAD_ENV.region]: options.region,
    [WORKLOAD_ENV.cloud]: options.cloud,
    ...(options.target === "container" ? { [WORKLOAD_ENV.port]: String(spec.containerPort) } : {}),
  };
  for (const name of options.platformSets ?? []) delete contract[name];
  const secrets: Record<string, SecretReference> = Object.fromEntries(
    spec.secretNames.map((name) => [name, { secret: name }]),
  );
  if (options.originSecret !== undefined) {
    secrets[WORKLOAD_ENV.originSecret] = { secret: WORKLOAD_ENV.originSecret, value: options.originSecret };
  }
  return { ...spec.environmentVariables, ...contract, ...secrets };
}

/** The plain variables only. */
export function plainVariables(env: WorkloadEnvironment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !isSecretReference(entry[1])),
  );
}

/** The secret references only, as `[variable, reference]` pairs. */
export function secretVariables(env: WorkloadEnvironment): [string, SecretReference][] {
  return Object.entries(env).filter((entry): entry is [string, SecretReference] => isSecretReference(entry[1]));
}

/** Variables every target sets itself: the spec may not define them as its own variables or secrets. */
export const CONTRACT_VARIABLES: readonly string[] = Object.values(WORKLOAD_ENV);
