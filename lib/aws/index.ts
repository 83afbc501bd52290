/** AWS targets: the workload as Lambda behind an HTTP API, and as ECS Fargate behind an ALB. */
export { ContainerTarget, type ContainerTargetProps, type OriginZone } from "./container-target";
export { type AwsSettings, FunctionTarget, type FunctionTargetProps } from "./function-target";
