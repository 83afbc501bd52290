/**
 * Where each ServiceSpec field lands on AWS, read back from the synthesized
 * JSON: the Lambda function behind its HTTP API, and the ECS service's task
 * definition, target group, load balancer and autoscaling target.
 */
import { awsWorkloadNames } from "../../lib/aws/workload-roles";
import { parseImage } from "../../lib/image";
import { ORIGIN_SECRET, type ServiceSpec } from "../../lib/service";
import { all, only, type TerraformJson } from "../helpers/terraform";
import type { CloudParity, Landed, LandedVariable } from "./types";

// The stack has one function and one service: `one` finds the resource of a type (that passes a filter).
const one = only;
const maybe = all;

const lambda = (json: TerraformJson) => one(json, "aws_lambda_function");
const lambdaEnv = (json: TerraformJson) =>
  (lambda(json).environment as { variables: Record<string, string> }).variables;

interface ContainerDefinition {
  image: string;
  memory: number;
  portMappings: { containerPort: number }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
}
const container = (json: TerraformJson): ContainerDefinition =>
  (JSON.parse(one(json, "aws_ecs_task_definition").container_definitions as string) as ContainerDefinition[])[0];
const containerEnv = (json: TerraformJson) =>
  Object.fromEntries(container(json).environment.map(({ name, value }) => [name, value]));
const scaling = (json: TerraformJson) => one(json, "aws_appautoscaling_target");
const logGroup = (json: TerraformJson, prefix: string) =>
  one(json, "aws_cloudwatch_log_group", (r) => String(r.name).startsWith(prefix));

const value = (v: unknown): Landed => ({ value: v });

/** The plain value of workload variable `name` on the function and on the container. */
const variableOnBoth = (name: string) => (json: TerraformJson) => ({
  function: value(lambdaEnv(json)[name]),
  container: value(containerEnv(json)[name]),
});
const na = (why: string): Landed => ({ notApplicable: why });

/** The alias's canary weight (a Terraform expression: `zipmap([<latest>], [0.1])`) in percent; 0 without routing. */
function aliasCanaryPercent(json: TerraformJson): number {
  const routing = one(json, "aws_lambda_alias").routing_config as { additional_version_weights: string } | undefined;
  if (routing === undefined) return 0;
  const weight = /zipmap\(\[[^\]]+\], \[([0-9.]+)\]\)/.exec(routing.additional_version_weights);
  if (weight === null) throw new Error(`unexpected alias weights: ${routing.additional_version_weights}`);
  return Math.round(Number(weight[1]) * 100);
}

const plain = (entries: [string, string][]): Record<string, LandedVariable> =>
  Object.fromEntries(entries.map(([name, v]) => [name, { value: v }]));

export const parity: CloudParity = {
  cloud: "aws",
  region: (config) => config.aws?.region,
  variables: (json) => ({
    // Lambda has no secret references: a stored secret is `<NAME>_PARAMETER` (the parameter the workload reads).
    function: Object.fromEntries(
      Object.entries(lambdaEnv(json)).map(([name, v]): [string, LandedVariable] =>
        name.endsWith("_PARAMETER")
          ? [name.slice(0, -"_PARAMETER".length), { secretReference: v }]
          : [name, { value: v }],
      ),
    ),
    container: {
      ...plain(container(json).environment.map((e) => [e.name, e.value])),
      ...Object.fromEntries(container(json).secrets.map((s) => [s.name, { secretReference: s.valueFrom }])),
    },
  }),
  fields: {
    name: variableOnBoth("SERVICE_NAME"),
    version: variableOnBoth("SERVICE_VERSION"),
    environment: variableOnBoth("SERVICE_ENVIRONMENT"),
    memoryMb: (json) => ({
      function: value(lambda(json).memory_size),
      // The container's hard limit; the task gets the smallest Fargate size that holds it.
      container: value(container(json).memory),
    }),
    timeoutSeconds: (json) => ({
      function: value(lambda(json).timeout),
      // ALB idle timeout: a response silent for longer is cut with a 504.
      container: value(one(json, "aws_lb").idle_timeout),
    }),
    minInstances: (json, spec) => {
      const warm = maybe(json, "aws_lambda_provisioned_concurrency_config");
      const min = scaling(json).min_capacity;
      return {
        function: value(warm.length === 0 ? 0 : warm[0].provisioned_concurrent_executions),
        container:
          spec.minInstances === 0 && min === 1
            ? na("ECS cannot start tasks from zero on traffic, so the service keeps 1 task (min_capacity 1)")
            : value(min),
      };
    },
    maxInstances: (json) => ({
      function: value(lambda(json).reserved_concurrent_executions),
      container: value(scaling(json).max_capacity),
    }),
    environmentVariables: (json) => ({
      function: value(lambdaEnv(json)),
      container: value(containerEnv(json)),
    }),
    secretNames: (json) => ({
      // Lambda has no secret references: each secret arrives as `<NAME>_PARAMETER`, the SSM parameter to read.
      function: value(
        Object.keys(lambdaEnv(json))
          .filter((key) => key.endsWith("_PARAMETER"))
          .map((key) => key.slice(0, -"_PARAMETER".length))
          .filter((name) => name !== ORIGIN_SECRET.envVar),
      ),
      container: value(
        container(json)
          .secrets.map((s) => s.name)
          .filter((name) => name !== ORIGIN_SECRET.envVar),
      ),
    }),
    healthPath: (json) => ({
      function: na("Lambda has no health probe: the platform replaces failed instances"),
      container: value(
        (one(json, "aws_lb_target_group", (r) => String(r.name).endsWith("-a")).health_check as { path: string }).path,
      ),
    }),
    containerPort: (json) => ({
      function: na("Lambda is invoked by the HTTP API, not over a port"),
      container: value(container(json).portMappings[0].containerPort),
    }),
    image: (json, spec: ServiceSpec) => {
      // The task pulls the spec's tag or digest from the environment's ECR repository (bootstrap's); compare those.
      const landed = parseImage(String(container(json).image));
      const repository = awsWorkloadNames(spec).repository;
      const inEcr = landed.host?.endsWith(".amazonaws.com") === true && landed.repository === repository;
      const wanted = parseImage(spec.image);
      const specBase = `${wanted.host === undefined ? "" : `${wanted.host}/`}${wanted.repository}`;
      return {
        function: na("Lambda runs the zip bundle, not the image"),
        container: value(inEcr ? `${specBase}${landed.version}` : container(json).image),
      };
    },
    logRetentionDays: (json) => ({
      function: value(logGroup(json, "/aws/lambda/").retention_in_days),
      container: value(logGroup(json, "/ecs/").retention_in_days),
    }),
    canaryPercent: (json) => {
      const deployment = one(json, "aws_ecs_service").deployment_configuration as {
        strategy: string;
        canary_configuration?: { canary_percent: number };
      };
      return {
        function: value(aliasCanaryPercent(json)),
        container: value(deployment.strategy === "CANARY" ? deployment.canary_configuration?.canary_percent : 0),
      };
    },
  },
};
