/**
 * ContainerTarget: the workload as an ECS Fargate service behind an
 * Application Load Balancer, in its own VPC.
 *
 * ECR (immutable tags, scan on push, KMS, lifecycle) <- CI pushes the image.
 * ECS cluster (Container Insights) -> service (circuit breaker with rollback,
 * target-tracking autoscaling between min and max) -> task (separate
 * execution and task roles, read-only root filesystem, non-root user,
 * health check on the spec's path, awslogs into a retained log group).
 * ALB (TLS 1.2+, HTTP->HTTPS, access logs) on `https://aws-origin.<domain>`.
 *
 * Canary: with `canaryPercent > 0` the service deploys with ECS's built-in
 * CANARY strategy: a new task set gets `canaryPercent` of the traffic through
 * a second target group for `canaryBakeMinutes`, then all of it; a failure
 * rolls back. ECS shifts the listener rule's weights itself, so Terraform
 * ignores them (and the service's target group, which ECS alternates).
 */
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { forgetRemoved } from "../contract/removed";
import type { TargetProps } from "../contract/target";
import { plainVariables } from "../contract/workload-environment";
import { type WorkloadRoleReference, workloadRoleReference } from "./identity";
import { OriginLoadBalancer } from "./load-balancer";
import { awsName, baseName, NAME_LIMITS } from "./naming";
import { Network } from "./network";
import { ecrImage, ecrRepositoryUrl } from "./registry";
import type { SecretParameter } from "./secrets";
import type { AwsSettings } from "./settings";
import { fargateTaskSize } from "./sizing";
import { AwsTarget } from "./target";
import { CONTAINER_ARCHITECTURE, CONTAINER_HEALTHCHECK_COMMAND, CONTAINER_NAME, CONTAINER_USER } from "./workload";
import { awsWorkloadRoles } from "./workload-roles";

/** The Cloudflare zone the origin hostname and certificate validation records live in. */
export interface OriginZone {
  readonly zoneId: string;
  /** The environment's domain, e.g. `staging.<root domain>`. */
  readonly domain: string;
}

/**
 * `originSecret`: stored as an SSM SecureString (this target's KMS key) and
 * injected as ORIGIN_SECRET by ECS, never as plain text.
 * `protect`: ALB deletion protection, log groups and log bucket kept on
 * destroy, 30-day KMS deletion window.
 *
 * The ECR repository is bootstrap's (lib/bootstrap/registries/aws.ts): the
 * target only names it, and a state from before forgets it (`removed`).
 */
export interface ContainerTargetProps extends TargetProps<AwsSettings> {
  /** Cloudflare zone for the origin hostname and the certificate validation. */
  readonly zone: OriginZone;
  /**
   * Hostname the load balancer answers as; the certificate covers it.
   * @default `aws-origin.<zone.domain>`
   */
  readonly hostname?: string;
  /**
   * Average CPU the autoscaling keeps the service at, in percent.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * Minutes a canary deployment holds `canaryPercent` before shifting the rest.
   * @default 10
   */
  readonly canaryBakeMinutes?: number;
  /**
   * Minimum CPU units per task (1024 = 1 vCPU); the task gets the cheapest
   * Fargate size with this much CPU and the spec's memory.
   * @default 256
   */
  readonly minCpuUnits?: number;
  /**
   * The container health check command (exec form, without ECS's `CMD`). The
   * default is the image's own HEALTHCHECK (the Dockerfile's runtime stage):
   * distroless Node keeps `node` at /nodejs/bin/node, not on PATH.
   * @default CONTAINER_HEALTHCHECK_COMMAND (app/contract.ts)
   */
  readonly healthCheckCommand?: readonly string[];
}

export class ContainerTarget extends AwsTarget {
  /** The image reference the task runs: ServiceSpec.image's tag or digest in this target's ECR repository. */
  readonly image: string;
  readonly network: Network;
  readonly loadBalancer: OriginLoadBalancer;
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly executionRole: WorkloadRoleReference;
  readonly taskRole: WorkloadRoleReference;

  constructor(scope: Construct, id: string, props: ContainerTargetProps) {
    const name = baseName(props.spec);
    const scaling = scalingOf(props);
    super(scope, id, props, {
      kind: "container",
      key: { alias: awsName([name, "container"], 250), description: `${name} container: logs and secrets` },
      problems: () => scalingProblems(scaling),
    });
    const { spec, settings } = props;
    const repositoryName = awsName([name], NAME_LIMITS.ecrRepository);
    this.image = ecrImage(spec.image, ecrRepositoryUrl(settings.accountId, settings.region, repositoryName));
    // Bootstrap's now: an older state forgets it rather than destroying the images in it.
    forgetRemoved(this, [
      { type: "aws_ecr_repository", path: ["registry", "repository"] },
      { type: "aws_ecr_lifecycle_policy", path: ["registry", "lifecycle"] },
    ]);
    this.network = new Network(this, "network", {
      name,
      region: settings.region,
      cidr: settings.vpcCidr,
      natGateways: settings.natGateways,
    });
    this.loadBalancer = this.createLoadBalancer(name, props);
    const logs = this.logGroup("logs", `/ecs/${name}`);
    // Secrets ECS injects at start: the spec's named secrets and the edge's origin secret (stored here first).
    const secrets = this.secretParameters();
    // Made by bootstrap with these same names (lib/aws/workload-roles.ts): the stack only passes them.
    const roles = awsWorkloadRoles(spec, settings);
    this.executionRole = workloadRoleReference(settings, roles.ecsExecution);
    this.taskRole = workloadRoleReference(settings, roles.ecsTask);
    this.taskDefinition = this.createTaskDefinition(name, props, secrets, logs.name);

    this.cluster = new EcsCluster(this, "cluster", {
      name: awsName([name], NAME_LIMITS.ecsCluster),
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const ecsCanary = this.canaryDeployment(spec, settings, scaling.bakeMinutes);
    this.service = this.createService(name, spec, ecsCanary);
    this.addAutoscaling(name, spec, scaling.cpuTarget);

    this.expose(this.loadBalancer.endpoint, {
      name: this.service.name,
      region: settings.region,
      scope: { cluster: this.cluster.name },
    });
  }

  /** The ALB on `aws-origin.<domain>` (or the hostname given), with a second target group when the spec has a canary. */
  private createLoadBalancer(name: string, props: ContainerTargetProps): OriginLoadBalancer {
    const { spec, settings } = props;
    return new OriginLoadBalancer(this, "ingress", {
      name,
      network: this.network,
      region: settings.region,
      accountId: settings.accountId,
      containerPort: spec.containerPort,
      healthPath: spec.healthPath,
      idleTimeoutSeconds: spec.timeoutSeconds,
      logRetentionDays: spec.logRetentionDays,
      hostname: props.hostname ?? `aws-origin.${props.zone.domain}`,
      zoneId: props.zone.zoneId,
      certificateArn: settings.certificateArn,
      canary: spec.canaryPercent > 0,
    });
  }

  /** The task: one read-only, non-root container with the workload's variables and secrets, and the image's health check. */
  private createTaskDefinition(
    name: string,
    props: ContainerTargetProps,
    secrets: readonly SecretParameter[],
    logGroupName: string,
  ): EcsTaskDefinition {
    const { spec, settings } = props;
    const size = fargateTaskSize(spec.memoryMb, props.minCpuUnits ?? 256);
    const healthCommand = ["CMD", ...(props.healthCheckCommand ?? CONTAINER_HEALTHCHECK_COMMAND)];
    return new EcsTaskDefinition(this, "task", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(size.cpu),
      memory: String(size.memory),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: CONTAINER_ARCHITECTURE },
      // The only writable path: an ephemeral /tmp, since the root filesystem is read-only.
      volume: [{ name: "tmp" }],
      containerDefinitions: JSON.stringify([
        {
          name: CONTAINER_NAME,
          image: this.image,
          essential: true,
          // Hard limit: the container gets the spec's memory, as the Lambda function does.
          memory: spec.memoryMb,
          user: CONTAINER_USER,
          readonlyRootFilesystem: true,
          privileged: false,
          linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
          mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
          portMappings: [{ containerPort: spec.containerPort, protocol: "tcp" }],
          environment: Object.entries(plainVariables(this.workloadEnvironment))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => ({ name: key, value })),
          secrets: secrets.map((s) => ({ name: s.variable, valueFrom: s.arn })),
          healthCheck: { command: healthCommand, interval: 30, timeout: 5, retries: 3, startPeriod: 15 },
          // The HTTP server drains on SIGTERM; give it the request timeout to finish.
          stopTimeout: Math.min(120, Math.max(spec.timeoutSeconds + 5, 10)),
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": logGroupName,
              "awslogs-region": settings.region,
              "awslogs-stream-prefix": CONTAINER_NAME,
              mode: "non-blocking",
            },
          },
        },
      ]),
    });
  }

  /**
   * ECS's built-in canary, as one object: the alternate target group and the
   * production listener rule the load balancer made for it, and the role ECS
   * shifts the rule's weights with. Undefined without a canary.
   */
  private canaryDeployment(
    spec: ContainerTargetProps["spec"],
    settings: AwsSettings,
    bakeMinutes: number,
  ): EcsCanary | undefined {
    const lb = this.loadBalancer;
    if (lb.alternateTargetGroup === undefined || lb.productionRule === undefined) return undefined;
    // Made by bootstrap (lib/aws/workload-roles.ts), scoped to this load balancer's names.
    const role = workloadRoleReference(settings, awsWorkloadRoles(spec, settings).ecsDeployment);
    return {
      alternateTargetGroup: lb.alternateTargetGroup,
      productionRule: lb.productionRule,
      role,
      percent: spec.canaryPercent,
      bakeMinutes,
    };
  }

  /** The Fargate service: rolling, or ECS's canary when `canary` is given; autoscaling owns the count. */
  private createService(name: string, spec: ContainerTargetProps["spec"], canary: EcsCanary | undefined): EcsService {
    const lb = this.loadBalancer;
    return new EcsService(this, "service", {
      name: awsName([name], 255),
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      desiredCount: minimumTasks(spec),
      deploymentController: { type: "ECS" },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentConfiguration:
        canary !== undefined
          ? {
              strategy: "CANARY",
              // Old tasks stay this long after the full shift, for a fast rollback.
              bakeTimeInMinutes: "5",
              canaryConfiguration: {
                canaryPercent: canary.percent,
                canaryBakeTimeInMinutes: String(canary.bakeMinutes),
              },
            }
          : { strategy: "ROLLING" },
      healthCheckGracePeriodSeconds: 30,
      networkConfiguration: {
        subnets: this.network.workloadSubnets.map((s) => s.id),
        securityGroups: [lb.taskSecurityGroup.id],
        assignPublicIp: this.network.assignPublicIp,
      },
      loadBalancer: [
        {
          targetGroupArn: lb.primaryTargetGroup.arn,
          containerName: CONTAINER_NAME,
          containerPort: spec.containerPort,
          ...(canary !== undefined
            ? {
                advancedConfiguration: {
                  alternateTargetGroupArn: canary.alternateTargetGroup.arn,
                  productionListenerRule: canary.productionRule.arn,
                  roleArn: canary.role.arn,
                },
              }
            : {}),
        },
      ],
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      enableExecuteCommand: false,
      lifecycle: {
        // Autoscaling owns the task count; with a canary, ECS alternates the service's target group.
        ignoreChanges: canary !== undefined ? ["desired_count", "load_balancer"] : ["desired_count"],
      },
      // The target group must be attached to a listener before ECS registers tasks in it.
      dependsOn: [lb.httpsListener, ...(canary === undefined ? [] : [canary.productionRule])],
    });
  }

  /** CPU target tracking between the spec's bounds (at least one task). */
  private addAutoscaling(name: string, spec: ContainerTargetProps["spec"], cpuTarget: number): void {
    const minTasks = minimumTasks(spec);
    const scaling = new AppautoscalingTarget(this, "scaling", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      minCapacity: minTasks,
      maxCapacity: Math.max(spec.maxInstances, minTasks),
    });
    new AppautoscalingPolicy(this, "cpu-tracking", {
      name: awsName([name, "cpu"], 255),
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: cpuTarget,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      },
    });
  }
}

/** ECS's built-in canary deployment: where the canary's traffic goes and who shifts it. */
interface EcsCanary {
  readonly alternateTargetGroup: LbTargetGroup;
  readonly productionRule: LbListenerRule;
  /** The role ECS assumes to shift the listener rule's weights. */
  readonly role: WorkloadRoleReference;
  readonly percent: number;
  readonly bakeMinutes: number;
}

/** ECS cannot start from zero on traffic (no request-driven scale-from-zero): keep at least one task. */
function minimumTasks(spec: ContainerTargetProps["spec"]): number {
  return Math.max(spec.minInstances, 1);
}

/** The scaling props over their defaults: the CPU the service scales at, the canary's bake time. */
function scalingOf(props: ContainerTargetProps): { readonly cpuTarget: number; readonly bakeMinutes: number } {
  return { cpuTarget: props.cpuTargetPercent ?? 60, bakeMinutes: props.canaryBakeMinutes ?? 10 };
}

function scalingProblems({ cpuTarget, bakeMinutes }: ReturnType<typeof scalingOf>): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(cpuTarget) && !(cpuTarget > 0 && cpuTarget <= 100)) {
    problems.push(`props.cpuTargetPercent: ${cpuTarget} must be 1-100`);
  }
  if (!Token.isUnresolved(bakeMinutes) && !(Number.isInteger(bakeMinutes) && bakeMinutes >= 0 && bakeMinutes <= 1440)) {
    problems.push(`props.canaryBakeMinutes: ${bakeMinutes} must be a whole number 0-1440`);
  }
  return problems;
}
