/** Azure targets: the workload as a Flex Consumption Function App and as a Container App. */
export { ContainerTarget, type ContainerTargetProps } from "./container-target";
export { AzureFoundation, type AzureFoundationProps } from "./foundation";
export { FunctionTarget, type FunctionTargetProps } from "./function-target";
export type { AzureSettings } from "./settings";
