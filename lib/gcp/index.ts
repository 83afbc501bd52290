/** GCP targets: the workload as a Cloud Function (2nd gen) and as a Cloud Run service. */
export { ContainerTarget, type ContainerTargetProps } from "./container-target";
export { FunctionTarget, type FunctionTargetProps } from "./function-target";
export type { GcpSettings } from "./settings";
