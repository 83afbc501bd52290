/**
 * ContainerTarget (Azure): the workload as a Container App in a Container
 * Apps environment that logs to the environment's Log Analytics workspace.
 * External HTTPS ingress only, health probes on ServiceSpec.healthPath,
 * min/max replicas with an HTTP concurrency scale rule, the image pulled from
 * the environment's Azure Container Registry by the app's user-assigned
 * identity (AcrPull), and a canary split between revisions (traffic.ts).
 */
import {
  ContainerApp,
  type ContainerAppSecret,
  type ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import { ContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { Annotations, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetProps } from "../contract/target";
import { isSecretReference } from "../contract/workload-environment";
import { AzureFoundation } from "./foundation";
import { WorkloadIdentity } from "./identity";
import { registryImage, WorkloadRegistry } from "./registry";
import { containerAppSecretName } from "./secrets";
import type { AzureSettings } from "./settings";
import { containerResources } from "./sizing";
import { trafficPlan } from "./traffic";
import { AZURE_LIMITS } from "./validation";
import { CONTAINER_NAME } from "./workload";

/**
 * `originSecret`: stored as a Container Apps secret and exposed to the
 * container as ORIGIN_SECRET.
 * `protect`: prevent_destroy on the logs and registry (bootstrap protects the
 * resource group).
 */
export interface ContainerTargetProps extends TargetProps<AzureSettings> {
  /**
   * Revision suffix that keeps 100 - canaryPercent of the traffic during a canary.
   * @default - settings.stableRevision; without one, the latest revision gets all traffic
   */
  readonly stableRevision?: string;
  /**
   * Concurrent requests per replica before the HTTP scale rule adds one.
   * @default 50
   */
  readonly concurrentRequests?: number;
  /**
   * Resource group (read), names and logs shared with the FunctionTarget.
   * @default - the stack's AzureFoundation, created on first use
   */
  readonly foundation?: AzureFoundation;
}

/** Container Apps' ingress ends requests after 240 s; it has no setting for it. */
const INGRESS_REQUEST_LIMIT_SECONDS = 240;
const ORIGIN_SECRET_NAME = "origin-secret";

export class ContainerTarget extends TargetConstruct {
  /** The image reference the app pulls (and CI pushes): ServiceSpec.image's repository and tag on the registry. */
  readonly image: string;
  readonly foundation: AzureFoundation;
  readonly identity: WorkloadIdentity;
  readonly registry: WorkloadRegistry;
  readonly environment: ContainerAppEnvironment;
  readonly app: ContainerApp;

  constructor(scope: Construct, id: string, props: ContainerTargetProps) {
    super(scope, id, props, { cloud: "azure", kind: "container", region: props.settings.location });
    const { spec, settings } = props;
    const concurrentRequests = props.concurrentRequests ?? 50;
    const problems: string[] = [];
    if (!Number.isInteger(concurrentRequests) || concurrentRequests < 1) {
      problems.push(`props.concurrentRequests: ${concurrentRequests} must be a whole number, at least 1`);
    }
    let traffic: ReturnType<typeof trafficPlan> | undefined;
    try {
      traffic = trafficPlan(spec.canaryPercent, props.stableRevision ?? settings.stableRevision);
    } catch (error) {
      problems.push(`props.stableRevision: ${(error as Error).message}`);
    }
    assertSpec(this, spec, AZURE_LIMITS.container, problems);
    const plan = traffic as NonNullable<typeof traffic>;
    if (spec.timeoutSeconds > INGRESS_REQUEST_LIMIT_SECONDS) {
      Annotations.of(this).addWarning(
        `timeoutSeconds ${spec.timeoutSeconds}: Container Apps ingress ends requests after ${INGRESS_REQUEST_LIMIT_SECONDS} s`,
      );
    }

    const { protect } = this;
    const foundation = props.foundation ?? AzureFoundation.of(this, { spec, settings, protect });
    this.foundation = foundation;
    const { names } = foundation;
    const location = foundation.location;
    const resourceGroupName = foundation.resourceGroupName;

    this.identity = new WorkloadIdentity(this, "identity", {
      name: names.containerIdentity,
      resourceGroupName,
      location,
    });
    this.registry = new WorkloadRegistry(this, "registry", {
      name: names.containerRegistry,
      resourceGroupName,
      location,
    });
    const pullRole = this.identity.grant("registry-pull", "AcrPull", this.registry.registry.id);
    this.image = registryImage(spec.image, this.registry.loginServer);

    this.environment = new ContainerAppEnvironment(this, "environment", {
      name: names.containerAppEnvironment,
      resourceGroupName,
      location,
      logAnalyticsWorkspaceId: foundation.logs.workspace.id,
      logsDestination: "log-analytics",
    });

    // Container Apps does not set PORT; workloadEnvironment does, as for every container.
    const secrets: ContainerAppSecret[] = [];
    const env: ContainerAppTemplateContainerEnv[] = [];
    for (const [name, value] of Object.entries(this.workloadEnvironment)) {
      if (!isSecretReference(value)) {
        env.push({ name, value });
      } else if (value.value !== undefined) {
        // A generated secret (the origin secret): a Container Apps secret holding the value.
        secrets.push({ name: ORIGIN_SECRET_NAME, value: value.value });
        env.push({ name, secretName: ORIGIN_SECRET_NAME });
      } else {
        const secretName = containerAppSecretName(value.secret);
        secrets.push({
          name: secretName,
          keyVaultSecretId: foundation.secrets.secretUri(value.secret),
          identity: this.identity.id,
        });
        env.push({ name, secretName });
      }
    }
    if (spec.secretNames.length > 0) {
      foundation.secrets.grantRead("container-secrets-reader", this.identity.principalId);
    }

    const resources = containerResources(spec.memoryMb);
    const probe = { transport: "HTTP", port: spec.containerPort, path: spec.healthPath };
    this.app = new ContainerApp(this, "app", {
      name: names.containerApp,
      resourceGroupName,
      containerAppEnvironmentId: this.environment.id,
      revisionMode: plan.revisionMode,
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      registry: [{ server: this.registry.loginServer, identity: this.identity.id }],
      secret: secrets.length > 0 ? secrets : undefined,
      ingress: {
        externalEnabled: true,
        allowInsecureConnections: false,
        targetPort: spec.containerPort,
        transport: "auto",
        trafficWeight: plan.weights.map((w) => ({ ...w })),
      },
      template: {
        minReplicas: spec.minInstances,
        maxReplicas: spec.maxInstances,
        httpScaleRule: [{ name: "http-concurrency", concurrentRequests: String(concurrentRequests) }],
        container: [
          {
            name: CONTAINER_NAME,
            image: this.image,
            cpu: resources.cpu,
            memory: resources.memory,
            env,
            // Up to 2 minutes to start, then readiness gates traffic and liveness restarts a hung replica.
            startupProbe: [{ ...probe, intervalSeconds: 5, timeout: 3, failureCountThreshold: 24 }],
            readinessProbe: [
              { ...probe, intervalSeconds: 10, timeout: 3, failureCountThreshold: 3, successCountThreshold: 1 },
            ],
            livenessProbe: [{ ...probe, intervalSeconds: 30, timeout: 5, failureCountThreshold: 3 }],
          },
        ],
      },
      // The first revision pulls with the identity: AcrPull must exist before it.
      dependsOn: [pullRole],
    });

    this.expose(`https://${this.app.ingress.fqdn}`, {
      name: this.app.name,
      region: location,
      scope: { resourceGroup: resourceGroupName },
    });

    // What CI and operators need: where to push, and the revision to name as stable for the next canary.
    new TerraformOutput(this, "registry-login-server", {
      value: this.registry.loginServer,
      description:
        "Azure Container Registry the container app pulls from; push ServiceSpec.image's repository:tag here",
    }).overrideLogicalId("azure_registry_login_server");
    new TerraformOutput(this, "container-image", {
      value: this.image,
      description: "Image reference the Azure container app runs",
    }).overrideLogicalId("azure_container_image");
    new TerraformOutput(this, "latest-revision", {
      value: this.app.latestRevisionName,
      description: "Latest Azure container app revision (<app>--<suffix>); its suffix becomes azure.stableRevision",
    }).overrideLogicalId("azure_container_latest_revision");
  }
}
