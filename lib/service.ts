/**
 * ServiceSpec: the one cloud-neutral description of the workload. Every cloud
 * folder maps each field onto its own products; the parity test checks that
 * every field lands. The service's name and default image are company
 * settings (`environments/company.ts`); its sizes are per environment.
 */
import type { EnvironmentConfig, OriginId } from "./config/schema";

export interface ServiceSpec {
  /** Short name used in every resource name: lowercase letters, digits, hyphens. */
  readonly name: string;
  /** Version reported by the workload (`GET /`). */
  readonly version: string;
  /** Environment name the spec was built for (dev, staging, prod...). */
  readonly environment: string;
  /** Memory per instance, in MB. */
  readonly memoryMb: number;
  /** Request timeout, in seconds. */
  readonly timeoutSeconds: number;
  /** Instances kept warm (0 = scale to zero). */
  readonly minInstances: number;
  /** Upper bound on instances. */
  readonly maxInstances: number;
  /** Plain environment variables for the workload (never secrets). */
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Names of secrets the workload reads; values live in each cloud's secret store, never here. */
  readonly secretNames: readonly string[];
  /** Path that answers 200 when the workload is healthy. */
  readonly healthPath: string;
  /** Port the container listens on (`PORT`). */
  readonly containerPort: number;
  /** Container image reference (`registry/repository:tag` or `@sha256:...`). */
  readonly image: string;
  /** Days logs are kept. */
  readonly logRetentionDays: number;
  /** Percent of traffic each target sends to its canary version/revision (0 = none). */
  readonly canaryPercent: number;
}

/** The workload itself: what does not change between environments or companies. */
export const SERVICE = {
  version: "1.0.0",
  healthPath: "/healthz",
  containerPort: 8080,
  environmentVariables: { LOG_LEVEL: "info" },
  secretNames: [] as string[],
} as const;

/**
 * Builds the spec for one environment.
 * @param imageOverride - `CONTAINER_IMAGE` from CI; wins over the environment's (or company's) image.
 */
export function serviceSpecFor(env: EnvironmentConfig, imageOverride?: string): ServiceSpec {
  return {
    name: env.company.service,
    version: SERVICE.version,
    environment: env.name,
    memoryMb: env.service.memoryMb,
    timeoutSeconds: env.service.timeoutSeconds,
    minInstances: env.service.minInstances,
    maxInstances: env.service.maxInstances,
    // Through the plain variables, so every target on every cloud passes it on unchanged.
    environmentVariables: { ...SERVICE.environmentVariables, [BODY_LIMIT.envVar]: String(env.service.maxBodyBytes) },
    secretNames: [...SERVICE.secretNames],
    healthPath: SERVICE.healthPath,
    containerPort: SERVICE.containerPort,
    image: imageOverride ?? env.containerImage,
    logRetentionDays: env.service.logRetentionDays,
    canaryPercent: env.canaryPercent,
  };
}

/**
 * Shared secret between the edge Worker and every origin: the Worker adds it
 * as a header, the workload rejects requests without it when the variable is
 * set. Terraform generates the value; it never appears in config or cdktf.out.
 */
export const ORIGIN_SECRET = { envVar: "ORIGIN_SECRET", header: "x-origin-secret" } as const;

/**
 * Largest request body the workload and the edge accept, per environment
 * (`maxBodyBytes` in environments/<name>.ts): sized for a JSON API. Larger
 * requests get 413 before anything is buffered. Targets pass it to the
 * workload as `MAX_BODY_BYTES`.
 */
export const BODY_LIMIT = { envVar: "MAX_BODY_BYTES", defaultBytes: 1024 * 1024 } as const;

/** A zipped function bundle of the workload for one cloud, built deterministically. */
export interface FunctionBundle {
  /** Absolute path of the zip file. */
  readonly path: string;
  /** Hex SHA-256 of the zip bytes; changes exactly when the code changes. */
  readonly sha256: string;
}

/** What every FunctionTarget and ContainerTarget exposes to the stack and the edge. */
export interface Origin {
  /** `<cloud>.<kind>`, the key of the environment's `weights`. */
  readonly id: OriginId;
  /** HTTPS base URL of the target (a Terraform token until apply). */
  readonly endpoint: string;
}
