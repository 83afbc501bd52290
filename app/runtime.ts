/**
 * Turns a runtime's environment variables into WorkloadOptions, the same way
 * for every adapter (Node's `process.env` or a Worker's `env` bindings).
 */

import { company } from "../environments/company";
import type { Target, WorkloadOptions } from "./app";
import { BODY_LIMIT, RELEASE_ENV, SERVICE } from "./constants";
import { WORKLOAD_ENV, WORKLOAD_EXTRA_ENV } from "./contract";

export type EnvVars = Readonly<Record<string, unknown>>;

export interface Platform {
  /** aws, azure, gcp, cloudflare, local. */
  readonly cloud: string;
  readonly target: Target;
  /** What the platform itself says about the region; `REGION` wins over it. */
  readonly region?: string;
}

/** A set, non-empty string variable, else undefined (platforms often pass "" for "unset"). */
export function envString(env: EnvVars, name: string): string | undefined {
  const value = env[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function workloadOptions(env: EnvVars, platform: Platform): WorkloadOptions {
  return {
    service: envString(env, WORKLOAD_ENV.serviceName) ?? company.service,
    version: envString(env, WORKLOAD_ENV.serviceVersion) ?? SERVICE.version,
    release: { id: envString(env, RELEASE_ENV.id) ?? "local", digest: envString(env, RELEASE_ENV.digest) },
    cloud: platform.cloud,
    region: envString(env, WORKLOAD_ENV.region) ?? platform.region ?? "unknown",
    target: platform.target,
    originSecret: envString(env, WORKLOAD_ENV.originSecret),
    // Honoured only where no cloud platform was recognised.
    allowMissingOriginSecret:
      platform.cloud === "local" && envString(env, WORKLOAD_EXTRA_ENV.allowMissingOriginSecret) === "true",
    maxBodyBytes: maxBodyBytes(env),
  };
}

/** `MAX_BODY_BYTES` when set, else BODY_LIMIT.defaultBytes. Throws on a value that is not a positive integer. */
export function maxBodyBytes(env: EnvVars): number {
  const raw = envString(env, WORKLOAD_EXTRA_ENV.maxBodyBytes);
  if (raw === undefined) return BODY_LIMIT.defaultBytes;
  const bytes = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(bytes) || bytes < 1) {
    throw new Error(`${WORKLOAD_EXTRA_ENV.maxBodyBytes}="${raw}" is not a positive whole number of bytes`);
  }
  return bytes;
}

/**
 * Which cloud a container runs on: `CLOUD` when set, else recognised from the
 * variables each serverless container product sets, else `local`.
 */
export function containerPlatform(env: EnvVars): Platform {
  const detected =
    envString(env, "K_SERVICE") !== undefined
      ? "gcp" // Cloud Run
      : envString(env, "CONTAINER_APP_NAME") !== undefined
        ? "azure" // Container Apps
        : envString(env, "ECS_CONTAINER_METADATA_URI_V4") !== undefined
          ? "aws" // ECS / Fargate
          : "local";
  return {
    cloud: envString(env, WORKLOAD_ENV.cloud) ?? detected,
    target: "container",
    region: envString(env, "AWS_REGION"),
  };
}

/** The container's port: `PORT` when set, else SERVICE.containerPort. Throws on a value that is not a port. */
export function containerPort(env: EnvVars): number {
  const raw = envString(env, WORKLOAD_ENV.port);
  if (raw === undefined) return SERVICE.containerPort;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${WORKLOAD_ENV.port}="${raw}" is not a port number (0-65535)`);
  }
  return port;
}
