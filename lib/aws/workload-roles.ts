/**
 * The workload's IAM roles of one environment, as data: names, trust and
 * permissions, every resource derived from names this folder gives (log
 * groups, parameters, the repository, the load balancer, the keys' aliases).
 *
 * Bootstrap creates them (lib/bootstrap/workload/aws.ts, applied by an
 * administrator); the targets only pass their ARNs (`workloadRoleReference`), so
 * the deploy role needs `iam:PassRole` on these roles and nothing that
 * creates or changes a role (docs/bootstrap.md, "Bootstrap owns identity").
 */
import { WORKLOAD_ENV } from "../../app/contract";
import type { ServiceSpec } from "../service";
import type { PolicyStatement, ServiceRoleProps } from "./identity";
import { awsName, baseName, NAME_LIMITS } from "./naming";
import { ecrRepositoryArn } from "./registry";
import { parameterArn, secretParameterName } from "./secrets";
import type { AwsSettings } from "./settings";

/** The roles of one environment, by what uses them. */
export type AwsWorkloadRoleKind = "function" | "ecsExecution" | "ecsTask" | "ecsDeployment";

/** A role as bootstrap makes it (ServiceRole, lib/bootstrap/workload/aws.ts), named `<service>-<env>-...`; boundary and provider are bootstrap's. */
export type AwsWorkloadRole = Pick<
  ServiceRoleProps,
  "name" | "description" | "service" | "trustCondition" | "statements"
>;

/** The parts of the spec the roles depend on: names and secret names, never a release. */
export type WorkloadRoleSpec = Pick<ServiceSpec, "name" | "environment" | "secretNames">;

/** Where the workload lives. */
export type WorkloadRoleSettings = Pick<AwsSettings, "accountId" | "region">;

/** Names the targets give their resources (lib/aws/function-target.ts, container-target.ts, load-balancer.ts). */
export function awsWorkloadNames(spec: Pick<ServiceSpec, "name" | "environment">) {
  const base = baseName(spec);
  const functionName = awsName([base], NAME_LIMITS.lambdaFunction);
  return {
    base,
    functionName,
    functionLogGroup: `/aws/lambda/${functionName}`,
    functionKeyAlias: `${functionName}-function`,
    containerLogGroup: `/ecs/${base}`,
    containerKeyAlias: awsName([base, "container"], 250),
    repository: awsName([base], NAME_LIMITS.ecrRepository),
    loadBalancer: awsName([base], NAME_LIMITS.loadBalancer),
    targetGroups: ["a", "b"].map((suffix) => awsName([base, suffix], NAME_LIMITS.targetGroup)),
    /** Folder of the function's generated secrets' parameters (beside the container's own copy). */
    functionSecretPrefix: "function/",
  } as const;
}

/** The secret the edge's origin secret is stored as (lib/contract/workload-environment.ts). */
const ORIGIN_SECRET_VARIABLE = WORKLOAD_ENV.originSecret;

function logStreams(settings: WorkloadRoleSettings, logGroup: string): PolicyStatement {
  return {
    Sid: "OwnLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `arn:aws:logs:${settings.region}:${settings.accountId}:log-group:${logGroup}:log-stream:*`,
  };
}

/**
 * Decrypt with the target's own key, named by its alias: the key's id is
 * random, so the role holds any key of the account and region, but only
 * while that key carries the alias (`kms:ResourceAliases`).
 */
function decryptWithAlias(settings: WorkloadRoleSettings, sid: string, alias: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["kms:Decrypt"],
    Resource: `arn:aws:kms:${settings.region}:${settings.accountId}:key/*`,
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${alias}` } },
  };
}

function readParameters(
  action: "ssm:GetParameter" | "ssm:GetParameters",
  spec: WorkloadRoleSpec,
  settings: WorkloadRoleSettings,
  generatedPrefix: string,
): PolicyStatement {
  const names = [
    secretParameterName(spec, `${generatedPrefix}${ORIGIN_SECRET_VARIABLE}`),
    ...spec.secretNames.map((secret) => secretParameterName(spec, secret)),
  ];
  return {
    Sid: "ReadSecrets",
    Effect: "Allow",
    Action: [action],
    Resource: names.map((name) => parameterArn(settings.region, settings.accountId, name)),
  };
}

/** Every workload role of `<service>-<env>`, whether or not a target of the stack uses it. */
export function awsWorkloadRoles(
  spec: WorkloadRoleSpec,
  settings: WorkloadRoleSettings,
): Readonly<Record<AwsWorkloadRoleKind, AwsWorkloadRole>> {
  const names = awsWorkloadNames(spec);
  const { base } = names;
  const elb = `arn:aws:elasticloadbalancing:${settings.region}:${settings.accountId}`;
  return {
    function: {
      name: awsName([names.functionName, "function"], NAME_LIMITS.iamRole),
      description: `${base} Lambda: its own log group, X-Ray, its KMS key (bootstrap stack)`,
      service: "lambda.amazonaws.com",
      statements: [
        logStreams(settings, names.functionLogGroup),
        {
          // X-Ray has no resource-level permissions: these two actions need "*".
          Sid: "Tracing",
          Effect: "Allow",
          Action: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
          Resource: "*",
        },
        decryptWithAlias(settings, "DecryptEnvironment", names.functionKeyAlias),
        readParameters("ssm:GetParameter", spec, settings, names.functionSecretPrefix),
      ],
    },
    ecsExecution: {
      name: awsName([base, "ecs-execution"], NAME_LIMITS.iamRole),
      description: `${base} ECS agent: pull the image, write logs, read secrets (bootstrap stack)`,
      service: "ecs-tasks.amazonaws.com",
      statements: [
        {
          // ECR issues registry tokens per account: this action has no resource-level form.
          Sid: "RegistryToken",
          Effect: "Allow",
          Action: ["ecr:GetAuthorizationToken"],
          Resource: "*",
        },
        {
          Sid: "PullOwnRepository",
          Effect: "Allow",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          Resource: ecrRepositoryArn(settings.accountId, settings.region, names.repository),
        },
        logStreams(settings, names.containerLogGroup),
        decryptWithAlias(settings, "TargetKey", names.containerKeyAlias),
        readParameters("ssm:GetParameters", spec, settings, ""),
      ],
    },
    ecsTask: {
      name: awsName([base, "ecs-task"], NAME_LIMITS.iamRole),
      description: `${base} workload: calls no AWS API (bootstrap stack)`,
      service: "ecs-tasks.amazonaws.com",
      // Only ECS tasks of this account may assume it (confused deputy).
      trustCondition: {
        StringEquals: { "aws:SourceAccount": settings.accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:ecs:${settings.region}:${settings.accountId}:*` },
      },
      statements: [],
    },
    ecsDeployment: {
      name: awsName([base, "ecs-deployment"], NAME_LIMITS.iamRole),
      description: `${base} ECS canary deployments: shift the listener rule between the two target groups (bootstrap stack)`,
      service: "ecs.amazonaws.com",
      statements: [
        {
          // Describe calls have no resource-level permissions.
          Sid: "ReadLoadBalancing",
          Effect: "Allow",
          Action: [
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
          ],
          Resource: "*",
        },
        {
          // Target group ARNs end in a random id: the names are the target's own.
          Sid: "OwnTargetGroups",
          Effect: "Allow",
          Action: ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
          Resource: names.targetGroups.map((name) => `${elb}:targetgroup/${name}/*`),
        },
        {
          // The listeners and rules of the target's own load balancer.
          Sid: "OwnListener",
          Effect: "Allow",
          Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
          Resource: [`${elb}:listener/app/${names.loadBalancer}/*`, `${elb}:listener-rule/app/${names.loadBalancer}/*`],
        },
      ],
    },
  };
}

/** The service principal each role is passed to: the deploy role's `iam:PassedToService` condition. */
export function awsPassedToServices(roles: Readonly<Record<AwsWorkloadRoleKind, AwsWorkloadRole>>): string[] {
  return [...new Set(Object.values(roles).map((role) => role.service))].sort();
}
