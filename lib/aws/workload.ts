/**
 * How the workload is packaged for AWS, in one place: the Lambda handler,
 * runtime and architecture come from the workload's own contract
 * (app/contract.ts), and the container image runs as an unprivileged user.
 */

export {
  CONTAINER_HEALTHCHECK_COMMAND,
  LAMBDA_ARCHITECTURE,
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
} from "../../app/contract";

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
