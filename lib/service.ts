/**
 * ServiceSpec: the one cloud-neutral description of the workload. Every cloud
 * folder maps each field onto its own products; the parity test checks that
 * every field lands. The service's name and default image are company
 * settings (`environments/company.ts`); its sizes are per environment.
 */
import { BODY_LIMIT, RELEASE_ENV, SERVICE } from "../app/constants";
import type { EnvironmentConfig, OriginId } from "./config/schema";
import { LOCAL_RELEASE, type ReleaseId, releaseImage } from "./release";

export type { FunctionBundle } from "../app/build/bundles";
// Defined in app/contract.ts, the module the workload and lib/ share.
export { BODY_LIMIT, SERVICE };

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
  /** Plain environment variables for the workload (never secrets); RELEASE_ID and IMAGE_DIGEST name the release. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Names of secrets the workload reads; values live in each cloud's secret store, never here. */
  readonly secretNames: readonly string[];
  /** Path that answers 200 when the workload is healthy. */
  readonly healthPath: string;
  /** Port the container listens on (`PORT`). */
  readonly containerPort: number;
  /**
   * Container image reference: `<service>@sha256:...` for a pipeline release (each cloud's
   * target deploys that repository and digest from its own registry), else the default image.
   */
  readonly image: string;
  /** Days logs are kept. */
  readonly logRetentionDays: number;
  /** Percent of traffic each target sends to its canary version/revision (0 = none). */
  readonly canaryPercent: number;
}

/**
 * Builds the spec for one environment.
 * @param release - the release the pipeline deploys; a fresh clone gets LOCAL_RELEASE (the environment's image).
 */
export function serviceSpecFor(env: EnvironmentConfig, release: ReleaseId = LOCAL_RELEASE): ServiceSpec {
  return {
    name: env.company.service,
    version: SERVICE.version,
    environment: env.name,
    memoryMb: env.service.memoryMb,
    timeoutSeconds: env.service.timeoutSeconds,
    minInstances: env.service.minInstances,
    maxInstances: env.service.maxInstances,
    // Through the plain variables, so every target on every cloud passes it on unchanged (the release too).
    environmentVariables: {
      ...SERVICE.environmentVariables,
      [BODY_LIMIT.envVar]: String(env.service.maxBodyBytes),
      [RELEASE_ENV.id]: release.id,
      ...(release.digest === undefined ? {} : { [RELEASE_ENV.digest]: release.digest }),
    },
    secretNames: [...SERVICE.secretNames],
    healthPath: SERVICE.healthPath,
    containerPort: SERVICE.containerPort,
    image: releaseImage(env.company.service, release, env.containerImage),
    logRetentionDays: env.service.logRetentionDays,
    canaryPercent: env.canaryPercent,
  };
}

/**
 * Shared secret between the edge Worker and every origin: the Worker adds it
 * as a header, the workload rejects requests without it and fails closed
 * (503) when it is missing or not a generated value. Terraform generates the
 * value; it never appears in config or cdktf.out. Defined in app/origin-secret.ts,
 * the neutral module the workload reads it from.
 */
export { ORIGIN_SECRET } from "../app/origin-secret";

/** What every FunctionTarget and ContainerTarget exposes to the stack and the edge. */
export interface Origin {
  /** `<cloud>.<kind>`, the key of the environment's `weights`. */
  readonly id: OriginId;
  /** HTTPS base URL of the target (a Terraform token until apply). */
  readonly endpoint: string;
}
