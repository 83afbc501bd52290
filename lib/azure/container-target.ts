/**
 * ContainerTarget (Azure): the workload as a Container App in a Container
 * Apps environment that logs to the environment's Log Analytics workspace.
 * External HTTPS ingress only, health probes on ServiceSpec.healthPath,
 * min/max replicas with an HTTP concurrency scale rule, the image pulled from
 * the environment's Azure Container Registry (bootstrap's, named here) by the
 * app's user-assigned identity (AcrPull), and a canary split between
 * revisions (traffic.ts).
 */
import {
  ContainerApp,
  type ContainerAppSecret,
  type ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import { ContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { Fn, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { limitProblem } from "../contract/limits";
import { forgetRemoved } from "../contract/removed";
import { isSecretReference } from "../contract/workload-environment";
import { AZURE_PLATFORM_LIMITS, CONTAINER_APP_PROBE_LIMITS } from "./limits";
import { registryImage, registryLoginServer } from "./registry";
import { containerAppSecretName } from "./secrets";
import { containerResources } from "./sizing";
import { AzureTarget, type AzureTargetProps } from "./target";
import { type TrafficPlan, trafficPlan } from "./traffic";
import { CONTAINER_NAME } from "./workload";

/** The health probes a Container App runs, by kind. */
export type ProbeKind = "startup" | "readiness" | "liveness";

/** One probe's timing, as Container Apps takes it (ranges: limits.ts `CONTAINER_APP_PROBE_LIMITS`). */
export interface ProbeTiming {
  /** Seconds between probes. */
  readonly intervalSeconds: number;
  /** Seconds before one probe times out. */
  readonly timeout: number;
  /** Consecutive failures before the replica counts as failed (the API allows at most 10). */
  readonly failureCountThreshold: number;
}

/**
 * Up to 2 minutes to start (12 s x 10 failures, the most the API takes),
 * then readiness gates traffic and liveness restarts a hung replica.
 */
export const DEFAULT_PROBES: Readonly<Record<ProbeKind, ProbeTiming>> = {
  startup: { intervalSeconds: 12, timeout: 3, failureCountThreshold: 10 },
  readiness: { intervalSeconds: 10, timeout: 3, failureCountThreshold: 3 },
  liveness: { intervalSeconds: 30, timeout: 5, failureCountThreshold: 3 },
};

/**
 * `originSecret`: stored in the environment's Key Vault and read by the app
 * through a Key Vault secret reference, exposed to the container as ORIGIN_SECRET.
 * `protect`: prevent_destroy on the logs and registry (bootstrap protects the
 * resource group).
 */
export interface ContainerTargetProps extends AzureTargetProps {
  /**
   * Concurrent requests per replica before the HTTP scale rule adds one.
   * @default 50
   */
  readonly concurrentRequests?: number;
  /**
   * Probe timings, per kind and field, over the defaults. Checked at synth
   * against the Container Apps API's ranges.
   * @default DEFAULT_PROBES
   */
  readonly probes?: Readonly<Partial<Record<ProbeKind, Partial<ProbeTiming>>>>;
}

/** Container Apps' ingress ends requests after 240 s; it has no setting for it. */
const INGRESS_REQUEST_LIMIT_SECONDS = AZURE_PLATFORM_LIMITS.containerIngressRequestSeconds.max;
const ORIGIN_SECRET_NAME = "origin-secret";

export class ContainerTarget extends AzureTarget {
  /** The image reference the app pulls (and CI pushes): ServiceSpec.image's repository and tag on the registry. */
  readonly image: string;
  /** `<registry>.azurecr.io`: bootstrap's registry of the environment (lib/bootstrap/registries/azure.ts). */
  readonly registryLoginServer: string;
  readonly environment: ContainerAppEnvironment;
  readonly app: ContainerApp;
  /** Suffix of the revision this apply made latest (a token): the stable revision once promoted. */
  readonly revision: string;

  constructor(scope: Construct, id: string, props: ContainerTargetProps) {
    const app = containerAppSettings(props);
    super(scope, id, props, {
      kind: "container",
      requestLimit: { seconds: INGRESS_REQUEST_LIMIT_SECONDS, endedBy: "Container Apps ingress ends requests" },
      problems: app.problems,
    });
    const { foundation } = this;
    const { names, resourceGroupName, location } = foundation;
    // Bootstrap's now: an older state forgets it rather than destroying the images in it.
    forgetRemoved(this, [{ type: "azurerm_container_registry", path: ["registry", "registry"] }]);
    this.registryLoginServer = registryLoginServer(names.containerRegistry);
    this.image = registryImage(props.spec.image, this.registryLoginServer);

    this.environment = new ContainerAppEnvironment(this, "environment", {
      name: names.containerAppEnvironment,
      resourceGroupName,
      location,
      logAnalyticsWorkspaceId: foundation.logs.workspace.id,
      logsDestination: "log-analytics",
    });
    // assertSpec threw if trafficPlan did.
    this.app = this.createApp(props.spec, { ...app, traffic: app.traffic as TrafficPlan });

    // `<app>--<suffix>`: app names never hold "--", so the suffix is the second part.
    this.revision = Fn.element(Fn.split("--", this.app.latestRevisionName), 1);
    this.addOutputs();
    this.exposeHost(this.app.ingress.fqdn, this.app.name);
  }

  /**
   * The workload's variables as container env entries. Container Apps does not set
   * PORT; workloadEnvironment does, as for every container. Every secret is a
   * Container Apps secret referencing Key Vault through the target's identity
   * (Key Vault Secrets User on the group, granted by bootstrap): the origin secret is stored in the vault first (once,
   * shared with the function), so its value is never part of the app.
   */
  private containerVariables(): {
    secrets: ContainerAppSecret[];
    env: ContainerAppTemplateContainerEnv[];
  } {
    const { foundation } = this;
    const secrets: ContainerAppSecret[] = [];
    const env: ContainerAppTemplateContainerEnv[] = [];
    for (const [name, value] of Object.entries(this.workloadEnvironment)) {
      if (!isSecretReference(value)) {
        env.push({ name, value });
        continue;
      }
      // A generated value (the origin secret) goes to the vault first, never into the app's own secrets.
      const keyVaultSecretId = foundation.secrets.referenceUri("container", value);
      const secretName = value.value === undefined ? containerAppSecretName(value.secret) : ORIGIN_SECRET_NAME;
      secrets.push({ name: secretName, keyVaultSecretId, identity: this.identity.id });
      env.push({ name, secretName });
    }
    return { secrets, env };
  }

  /** The app: HTTPS ingress split by the traffic plan, HTTP scaling, probes on the health path. */
  private createApp(
    spec: ContainerTargetProps["spec"],
    uses: {
      readonly traffic: TrafficPlan;
      readonly concurrentRequests: number;
      readonly probes: Readonly<Record<ProbeKind, ProbeTiming>>;
    },
  ): ContainerApp {
    const { secrets, env } = this.containerVariables();
    const resources = containerResources(spec.memoryMb);
    const probe = { transport: "HTTP", port: spec.containerPort, path: spec.healthPath };
    return new ContainerApp(this, "app", {
      name: this.foundation.names.containerApp,
      resourceGroupName: this.foundation.resourceGroupName,
      containerAppEnvironmentId: this.environment.id,
      revisionMode: uses.traffic.revisionMode,
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      registry: [{ server: this.registryLoginServer, identity: this.identity.id }],
      secret: secrets.length > 0 ? secrets : undefined,
      ingress: {
        externalEnabled: true,
        allowInsecureConnections: false,
        targetPort: spec.containerPort,
        transport: "auto",
        trafficWeight: uses.traffic.weights.map((w) => ({ ...w })),
      },
      template: {
        minReplicas: spec.minInstances,
        maxReplicas: spec.maxInstances,
        httpScaleRule: [{ name: "http-concurrency", concurrentRequests: String(uses.concurrentRequests) }],
        container: [
          {
            name: CONTAINER_NAME,
            image: this.image,
            cpu: resources.cpu,
            memory: resources.memory,
            env,
            startupProbe: [{ ...probe, ...uses.probes.startup }],
            readinessProbe: [{ ...probe, ...uses.probes.readiness, successCountThreshold: 1 }],
            livenessProbe: [{ ...probe, ...uses.probes.liveness }],
          },
        ],
      },
      // The first revision pulls and reads its secrets with the identity: bootstrap granted both before.
    });
  }

  /** What CI and operators need: where to push, and the revision to name as stable for the next canary. */
  private addOutputs(): void {
    new TerraformOutput(this, "registry-login-server", {
      value: this.registryLoginServer,
      description:
        "Azure Container Registry the container app pulls from; push ServiceSpec.image's repository:tag here",
    }).overrideLogicalId("azure_registry_login_server");
    new TerraformOutput(this, "container-image", {
      value: this.image,
      description: "Image reference the Azure container app runs",
    }).overrideLogicalId("azure_container_image");
    new TerraformOutput(this, "latest-revision", {
      value: this.app.latestRevisionName,
      description: "Latest Azure container app revision (<app>--<suffix>)",
    }).overrideLogicalId("azure_container_latest_revision");
  }
}

/**
 * The props the app is built from, with what is wrong in them: the scale
 * rule, the probes and the rollout (`traffic` is undefined when it is wrong).
 */
function containerAppSettings(props: ContainerTargetProps): {
  readonly concurrentRequests: number;
  readonly probes: Readonly<Record<ProbeKind, ProbeTiming>>;
  readonly traffic: TrafficPlan | undefined;
  readonly problems: readonly string[];
} {
  const concurrentRequests = props.concurrentRequests ?? 50;
  const problems: string[] = [];
  if (!Number.isInteger(concurrentRequests) || concurrentRequests < 1) {
    problems.push(`props.concurrentRequests: ${concurrentRequests} must be a whole number, at least 1`);
  }
  const probes = probeTimings(props.probes);
  problems.push(...probeProblems(probes));
  let traffic: TrafficPlan | undefined;
  try {
    traffic = trafficPlan(props.rollout ?? { newPercent: 100 });
  } catch (error) {
    problems.push(`props.stableRevision: ${(error as Error).message}`);
  }
  return { concurrentRequests, probes, traffic, problems };
}

/** The probe timings: each kind's defaults, overridden field by field. */
function probeTimings(overrides: ContainerTargetProps["probes"] = {}): Readonly<Record<ProbeKind, ProbeTiming>> {
  const kinds = Object.keys(DEFAULT_PROBES) as ProbeKind[];
  return Object.fromEntries(kinds.map((kind) => [kind, { ...DEFAULT_PROBES[kind], ...overrides[kind] }])) as Record<
    ProbeKind,
    ProbeTiming
  >;
}

/** Every probe field outside the Container Apps API's range, as `props.probes.<kind>.<field>: ...`. */
export function probeProblems(probes: Readonly<Record<ProbeKind, ProbeTiming>>): string[] {
  return Object.entries(probes).flatMap(([kind, timing]) =>
    (Object.entries(timing) as [keyof ProbeTiming, number][]).flatMap(([field, value]) => {
      const problem = limitProblem(`props.probes.${kind}.${field}`, value, CONTAINER_APP_PROBE_LIMITS[field]);
      return problem === undefined ? [] : [problem];
    }),
  );
}
