/**
 * What the Azure targets assume about the workload's packaging, in one place.
 * The function zip (app/build/bundles.ts) holds index.js, package.json and
 * host.json for the Functions v4 Node model; the container listens on
 * ServiceSpec.containerPort.
 */

/** Flex Consumption runtime stack (`runtime_name` / `runtime_version`). */
export const FUNCTION_RUNTIME = { name: "node", version: "22" } as const;

/**
 * Flex Consumption runs the package stored under this fixed blob name in the
 * app's deployment container; uploading it there is a deployment.
 */
export const FUNCTION_PACKAGE_BLOB = "released-package.zip";

/** The always-ready group shared by every HTTP-triggered function of a Flex app. */
export const HTTP_ALWAYS_READY_GROUP = "http";

/** Name of the workload container inside the Container App template. */
export const CONTAINER_NAME = "workload";

/**
 * Environment variables the workload reads (mirrors the workload's contract
 * in issue 3, app/contract.ts; import from there once it is on main).
 */
export const WORKLOAD_ENV = {
  /** `service` in `GET /`. */
  serviceName: "SERVICE_NAME",
  /** `version` in `GET /`. */
  serviceVersion: "SERVICE_VERSION",
  /** `region` in `GET /`; Container Apps sets no region variable. */
  region: "REGION",
  /** Container only: `cloud` in `GET /`. */
  cloud: "CLOUD",
  /** Container only: the port the server listens on; Container Apps does not set it. */
  port: "PORT",
} as const;
