/**
 * What the Azure targets assume about the workload's packaging, in one place.
 * The function zip (app/build/bundles.ts) holds index.js, package.json and
 * host.json for the Functions v4 Node model; the container listens on
 * ServiceSpec.containerPort.
 */

import { WORKLOAD_ENV as APP_ENV, AZURE_RUNTIME } from "../../app/contract";

/** Flex Consumption runtime stack (`runtime_name` / `runtime_version`), from the workload's contract. */
export const FUNCTION_RUNTIME = AZURE_RUNTIME;

/**
 * Flex Consumption runs the package stored under this fixed blob name in the
 * app's deployment container; uploading it there is a deployment.
 */
export const FUNCTION_PACKAGE_BLOB = "released-package.zip";

/** The always-ready group shared by every HTTP-triggered function of a Flex app. */
export const HTTP_ALWAYS_READY_GROUP = "http";

/** Name of the workload container inside the Container App template. */
export const CONTAINER_NAME = "workload";

/** Environment variables the workload reads (app/contract.ts). */
export const WORKLOAD_ENV = APP_ENV;
