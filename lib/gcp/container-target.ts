/**
 * The workload as a Cloud Run (v2) service: image from the environment's
 * Artifact Registry repository (bootstrap's, named here), an explicit revision name derived from the
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
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { WORKLOAD_ENV } from "../../app/contract";
import { forgetRemoved } from "../contract/removed";
import { plainVariables } from "../contract/workload-environment";
import { gcpWorkloadAccounts, type WorkloadAccountReference, workloadAccount } from "./identity";
import { repositoryId, revisionName, runServiceName } from "./naming";
import { CONTAINER_APIS } from "./project-services";
import { deployedImage, registryUrl } from "./registry";
import type { WorkloadSecrets } from "./secrets";
import { cpuFor, memoryLimit } from "./sizing";
import { GcpTarget, type GcpTargetProps } from "./target";
import { trafficFor } from "./traffic";

/**
 * `originSecret`: given to the workload as ORIGIN_SECRET through Secret Manager.
 * `protect`: Cloud Run deletion protection, registry and stored secrets kept on destroy.
 */
export type ContainerTargetProps = GcpTargetProps;

export class ContainerTarget extends GcpTarget {
  readonly service: CloudRunV2Service;
  /** `<region>-docker.pkg.dev/<project>/<repository>`: bootstrap's repository (lib/bootstrap/registries/gcp.ts). */
  readonly registryUrl: string;
  /** The account it runs as, made by bootstrap. */
  readonly identity: WorkloadAccountReference;
  /** The image reference deployed (in `registry`, see registry.ts). */
  readonly image: string;
  /** The revision this synth deploys: `<service>-<template hash>`. */
  readonly revision: string;
  /** Whether a split between the new and the stable revision is in effect. */
  readonly canary: boolean;

  constructor(scope: Construct, id: string, props: ContainerTargetProps) {
    // Cloud Run sets PORT itself.
    super(scope, id, props, { kind: "container", apis: CONTAINER_APIS, platformSets: [WORKLOAD_ENV.port] });
    const { spec } = props;
    const { apis, names } = this.groundwork;
    // Bootstrap's now: an older state forgets it rather than destroying the images in it.
    forgetRemoved(this, [{ type: "google_artifact_registry_repository", path: ["registry", "repository"] }]);
    this.registryUrl = registryUrl(this.region, this.project, repositoryId(names));
    this.image = deployedImage(spec.image, this.registryUrl);
    // Made by bootstrap (lib/gcp/identity.ts, gcpWorkloadAccounts): the service only runs as it.
    this.identity = workloadAccount(this.project, gcpWorkloadAccounts(names).containerRuntime);
    const secrets = this.workloadSecrets("run");

    const serviceName = runServiceName(names, "run");
    const shape = this.templateShape(spec, secrets);
    this.revision = revisionName(serviceName, shape);
    const plan = trafficFor(serviceName, this.revision, props.rollout ?? { newPercent: 100 });
    this.canary = plan.canary;
    this.service = new CloudRunV2Service(this, "service", {
      project: this.project,
      location: this.region,
      name: serviceName,
      description: `${spec.name} ${spec.version} (${spec.environment})`,
      labels: { service: spec.name, environment: spec.environment, target: "container" },
      ingress: "INGRESS_TRAFFIC_ALL",
      template: this.template(shape, secrets),
      traffic: plan.traffic,
      dependsOn: [...apis, ...secrets.ready],
    });
    this.exposeService({ uri: this.service.uri, name: this.service.name, runService: this.service.name });
    this.addOutputs();
  }

  /**
   * Everything the revision template holds except tokens, which stand for
   * values fixed by these same inputs: what the revision name is a hash of.
   */
  private templateShape(spec: ContainerTargetProps["spec"], secrets: WorkloadSecrets) {
    const probe = { path: spec.healthPath, port: spec.containerPort };
    return {
      image: this.image,
      port: spec.containerPort,
      env: plainVariables(this.workloadEnvironment),
      secrets: secrets.env.map((env) => ({ name: env.name, secret: env.plannedSecret, version: env.version })),
      memory: memoryLimit(spec.memoryMb),
      cpu: cpuFor(spec.memoryMb),
      cpuIdle: true,
      startupCpuBoost: true,
      // 2nd gen needs 512 MiB or more; 1st gen starts faster with less.
      executionEnvironment: spec.memoryMb >= 512 ? "EXECUTION_ENVIRONMENT_GEN2" : "EXECUTION_ENVIRONMENT_GEN1",
      timeout: `${spec.timeoutSeconds}s`,
      concurrency: this.concurrency,
      minInstances: spec.minInstances,
      maxInstances: spec.maxInstances,
      serviceAccount: this.identity.email,
      startupProbe: { ...probe, initialDelaySeconds: 0, periodSeconds: 3, timeoutSeconds: 2, failureThreshold: 20 },
      livenessProbe: { ...probe, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 3 },
      labels: { target: "container" },
    };
  }

  /** The revision template written from its shape, with the secret references Secret Manager resolves. */
  private template(shape: TemplateShape, secrets: WorkloadSecrets): CloudRunV2ServiceTemplate {
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(shape.env).map(([name, value]) => ({ name, value })),
      ...secrets.env.map((s) => ({
        name: s.name,
        valueSource: { secretKeyRef: { secret: s.secret, version: s.version } },
      })),
    ];
    const httpProbe = (p: TemplateShape["startupProbe"] | TemplateShape["livenessProbe"]) => ({
      httpGet: { path: p.path, port: p.port },
      initialDelaySeconds: "initialDelaySeconds" in p ? p.initialDelaySeconds : undefined,
      periodSeconds: p.periodSeconds,
      timeoutSeconds: p.timeoutSeconds,
      failureThreshold: p.failureThreshold,
    });
    return {
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
  }

  /** For CI: where to push the image, and the revision this apply deployed. */
  private addOutputs(): void {
    new TerraformOutput(this, "registry-url", {
      value: this.registryUrl,
      description: "Artifact Registry repository CI pushes the container image to",
    }).overrideLogicalId("gcp_registry_url");
    new TerraformOutput(this, "revision-name", {
      value: this.revision,
      description: "Cloud Run revision deployed by this apply",
    }).overrideLogicalId("gcp_container_revision");
  }
}

type TemplateShape = ReturnType<ContainerTarget["templateShape"]>;
