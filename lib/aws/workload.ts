/**
 * How the workload is packaged for AWS, in one place: the Lambda zip built by
 * app/build/bundles.ts exports `handler` from `index.js`, and the container
 * image runs as an unprivileged user. Change these here if app/ changes them.
 */

/** Lambda handler of the AWS bundle: `index.js`, export `handler`. */
export const LAMBDA_HANDLER = "index.handler";
/** Node.js 22, the runtime the bundle is built for (esbuild target node22). */
export const LAMBDA_RUNTIME = "nodejs22.x";
/** Graviton: about 20% cheaper per GB-second than x86_64 for the same code. */
export const LAMBDA_ARCHITECTURE = "arm64";

/** Name of the container in the task definition (the load balancer targets it). */
export const CONTAINER_NAME = "app";
/**
 * Numeric uid:gid, so the task runs unprivileged whatever users the image
 * defines (65534 = nobody on Debian/Alpine/distroless).
 */
export const CONTAINER_USER = "65534:65534";
/**
 * Images are built once for every cloud; Cloud Run and Container Apps run
 * only x86_64, so Fargate runs the same architecture.
 */
export const CONTAINER_ARCHITECTURE = "X86_64";
