/**
 * The workload as a Cloud Run (v2) service: image from the environment's
 * Artifact Registry repository, an explicit revision name derived from the
 * whole template, startup and liveness probes on the health path, per-revision
 * min/max instances, a dedicated runtime service account with no project roles,
 * an optional canary split, and deletion protection set per environment (the
 * provider's default is on, which would block every non-production destroy).
 */
import {
  CloudRunV2Service,
  type CloudRunV2ServiceTemplate,
  type CloudRunV2ServiceTemplateContainersEnv,
} from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { Annotations, DISABLE_STACK_TRACE_IN_METADATA, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { WORKLOAD_ENV } from "../../app/contract";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { plainVariables, secretVariables } from "../contract/workload-environment";
import { ServiceIdentity } from "./identity";
import { ProjectLogRetention } from "./logs";
import { repositoryId, revisionName, runServiceName, serviceAccountId } from "./naming";
import { BASE_APIS, CONTAINER_APIS, ProjectServices, SECRET_APIS } from "./project-services";
import { ContainerRegistry } from "./registry";
import { WorkloadSecrets } from "./secrets";
import type { GcpSettings } from "./settings";
import { cpuFor, DEFAULT_CONCURRENCY, memoryLimit } from "./sizing";
import { trafficFor } from "./traffic";
import { GCP_LIMITS } from "./validation";

/**
 * `originSecret`: given to the workload as ORIGIN_SECRET through Secret Manager.
 * `protect`: Cloud Run deletion protection, registry and stored secrets kept on destroy.
 */
export interface ContainerTargetProps extends TargetProps<GcpSettings> {
  /**
   * Requests one instance serves at once.
   * @default 80
   */
  readonly concurrency?: number;
}

export class ContainerTarget extends TargetConstruct {
  readonly service: CloudRunV2Service;
  readonly registry: ContainerRegistry;
  readonly identity: ServiceIdentity;
  /** The image reference deployed (in `registry`, see registry.ts). */
  readonly image: string;
  /** The revision this synth deploys: `<service>-<template hash>`. */
  readonly revision: string;
  /** Whether the canary split is in effect (canaryPercent > 0 and a stable revision configured). */
  readonly canary: boolean;

  constructor(scope: Construct, id: string, props: ContainerTargetProps) {
    super(scope, id, props, {
      cloud: "gcp",
      kind: "container",
      region: props.settings.region,
      platformSets: [WORKLOAD_ENV.port],
    });
    const { spec, settings } = props;
    const concurrency = props.concurrency ?? DEFAULT_CONCURRENCY;
    const propsProblems: string[] = [];
    if (concurrency < 1 || concurrency > 1000)
      propsProblems.push(`props.concurrency: ${concurrency} must be 1 to 1000`);
    assertSpec(this, spec, GCP_LIMITS.container, propsProblems);
    const project = settings.project;
    const names = { service: spec.name, environment: spec.environment };
    const secretReferences = secretVariables(this.workloadEnvironment);
    const secretsNeeded = WorkloadSecrets.needed({ references: secretReferences });

    const apis = ProjectServices.of(this, project).require([
      ...BASE_APIS,
      ...CONTAINER_APIS,
      ...(secretsNeeded ? SECRET_APIS : []),
    ]);
    ProjectLogRetention.of(this, project, spec.logRetentionDays, apis);

    this.registry = new ContainerRegistry(this, "registry", {
      project,
      region: settings.region,
      repositoryId: repositoryId(names),
      dependsOn: apis,
    });
    this.image = this.registry.imageFor(spec.image);

    this.identity = new ServiceIdentity(this, "runtime", {
      project,
      accountId: serviceAccountId(names, "run"),
      displayName: `${spec.name} ${spec.environment} container (runtime)`,
      dependsOn: apis,
    });
    const secrets = new WorkloadSecrets(this, "secrets", {
      project,
      names,
      kind: "run",
      identity: this.identity,
      references: secretReferences,
      dependsOn: apis,
    });

    const serviceName = runServiceName(names, "run");
    const plainEnv = plainVariables(this.workloadEnvironment);
    const probe = { path: spec.healthPath, port: spec.containerPort };
    // Everything the template holds except tokens, which stand for values fixed by these same inputs.
    const shape = {
      image: this.image,
      port: spec.containerPort,
      env: plainEnv,
      secrets: secrets.env.map((env) => ({ name: env.name, secret: env.plannedSecret, version: env.version })),
      memory: memoryLimit(spec.memoryMb),
      cpu: cpuFor(spec.memoryMb),
      cpuIdle: true,
      startupCpuBoost: true,
      // 2nd gen needs 512 MiB or more; 1st gen starts faster with less.
      executionEnvironment: spec.memoryMb >= 512 ? "EXECUTION_ENVIRONMENT_GEN2" : "EXECUTION_ENVIRONMENT_GEN1",
      timeout: `${spec.timeoutSeconds}s`,
      concurrency,
      minInstances: spec.minInstances,
      maxInstances: spec.maxInstances,
      serviceAccount: this.identity.plannedEmail,
      startupProbe: { ...probe, initialDelaySeconds: 0, periodSeconds: 3, timeoutSeconds: 2, failureThreshold: 20 },
      livenessProbe: { ...probe, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
      labels: { target: "container" },
    };
    this.revision = revisionName(serviceName, shape);

    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(shape.env).map(([name, value]) => ({ name, value })),
      ...secrets.env.map((s) => ({
        name: s.name,
        valueSource: { secretKeyRef: { secret: s.secret, version: s.version } },
      })),
    ];
    const httpProbe = (p: typeof shape.startupProbe | typeof shape.livenessProbe) => ({
      httpGet: { path: p.path, port: p.port },
      initialDelaySeconds: "initialDelaySeconds" in p ? p.initialDelaySeconds : undefined,
      periodSeconds: p.periodSeconds,
      timeoutSeconds: p.timeoutSeconds,
      failureThreshold: p.failureThreshold,
    });
    const template: CloudRunV2ServiceTemplate = {
      revision: this.revision,
      labels: shape.labels,
      serviceAccount: this.identity.email,
      executionEnvironment: shape.executionEnvironment,
      timeout: shape.timeout,
      maxInstanceRequestConcurrency: shape.concurrency,
      scaling: { minInstanceCount: shape.minInstances, maxInstanceCount: shape.maxInstances },
      containers: [
        {
          name: "workload",
          image: shape.image,
          ports: { containerPort: shape.port },
          env,
          resources: {
            limits: { cpu: shape.cpu, memory: shape.memory },
            // Request-based billing: CPU only while serving; boosted while starting.
            cpuIdle: shape.cpuIdle,
            startupCpuBoost: shape.startupCpuBoost,
          },
          startupProbe: httpProbe(shape.startupProbe),
          livenessProbe: httpProbe(shape.livenessProbe),
        },
      ],
    };

    const plan = trafficFor(serviceName, this.revision, spec.canaryPercent, settings.stableRevision);
    this.canary = plan.canary;
    if (spec.canaryPercent > 0 && !plan.canary && settings.stableRevision === undefined) {
      // A child with stack traces off: a trace would write absolute paths into manifest.json.
      const notice = new Construct(this, "canary-notice");
      notice.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
      Annotations.of(notice).addWarning(
        `canaryPercent is ${spec.canaryPercent} but gcp.stableRevision is not set: ${this.revision} takes all traffic. ` +
          "Set it to the revision serving today (output gcp_container_revision of the last apply).",
      );
    }

    this.service = new CloudRunV2Service(this, "service", {
      project,
      location: settings.region,
      name: serviceName,
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      labels: { service: spec.name, environment: spec.environment, target: "container" },
      ingress: "INGRESS_TRAFFIC_ALL",
      template,
      traffic: plan.traffic,
      // The image lives in the repository: create it (and let CI push) before the first revision.
      dependsOn: [...apis, this.registry.repository, ...secrets.ready],
    });

    if (settings.publicInvoker) {
      new CloudRunV2ServiceIamMember(this, "public-invoker", {
        project,
        location: settings.region,
        name: this.service.name,
        role: "roles/run.invoker",
        member: "allUsers",
      });
    }

    // For CI: where to push the image, and the revision to name as stableRevision next time.
    new TerraformOutput(this, "registry-url", {
      value: this.registry.url,
      description: "Artifact Registry repository CI pushes the container image to",
    }).overrideLogicalId("gcp_registry_url");
    new TerraformOutput(this, "revision-name", {
      value: this.revision,
      description: "Cloud Run revision deployed by this apply (the next canary's gcp.stableRevision)",
    }).overrideLogicalId("gcp_container_revision");

    this.expose(this.service.uri, { name: this.service.name, region: settings.region, scope: { project } });
  }
}
