/**
 * EnvironmentStack: everything one environment deploys. The only module that
 * knows every cloud; each cloud folder stays independent of the others.
 */
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { functionBundles } from "../../app/build/bundles";
import { ContainerTarget as AwsContainerTarget, FunctionTarget as AwsFunctionTarget } from "../aws";
import { AwsMonitoring } from "../aws/monitoring";
import { ContainerTarget as AzureContainerTarget, FunctionTarget as AzureFunctionTarget } from "../azure";
import { AzureMonitoring } from "../azure/monitoring";
import type { Cloud, EnvironmentConfig } from "../config/schema";
import { Edge } from "../edge/edge";
import { EdgeMonitoring } from "../edge/monitoring";
import { OriginSecret } from "../edge/origin-secret";
import { ContainerTarget as GcpContainerTarget, FunctionTarget as GcpFunctionTarget } from "../gcp";
import { GcpMonitoring } from "../gcp/monitoring";
import { objectivesFor } from "../monitoring/objectives";
import { alertRoute } from "../monitoring/route";
import { applyPolicy, suppress } from "../policy";
import { StandardTagsAspect, standardTags } from "../policy/tags";
import { type FunctionBundle, type Origin, type ServiceSpec, serviceSpecFor } from "../service";
import { addBackend } from "./backend";
import { addProviders, type Providers } from "./providers";

export interface EnvironmentStackProps {
  /** The validated environment (see `loadEnvironments`). */
  readonly config: EnvironmentConfig;
  /**
   * Container image to deploy, usually `CONTAINER_IMAGE` from CI.
   * @default - `containerImage` from the config, else the service's default image
   */
  readonly image?: string;
  /**
   * The workload's function zip per cloud.
   * @default - built from app/ by `functionBundles()` (once per process)
   */
  readonly bundles?: Readonly<Record<Cloud, FunctionBundle>>;
}

export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly spec: ServiceSpec;
  readonly providers: Providers;
  readonly bundles: Readonly<Record<Cloud, FunctionBundle>>;
  /** Every target's public endpoint, in `ORIGINS` order; the edge routes between them. */
  readonly origins: Origin[] = [];
  /** Secret the edge sends to every origin: targets set `originSecret.value` as the workload's ORIGIN_SECRET. */
  readonly originSecret: OriginSecret;
  /** The Cloudflare edge routing to `origins`; created last, so every target has added its origin. */
  readonly edge: Edge;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    // Stack id = environment name, so `cdktf deploy <name>` works.
    super(scope, props.config.name);
    this.config = props.config;
    this.spec = serviceSpecFor(props.config, props.image);
    this.bundles = props.bundles ?? functionBundles();
    const tags = standardTags(this.config.name, this.spec.name);

    addBackend(this, this.config);
    this.providers = addProviders(this, this.config, tags);
    Aspects.of(this).add(new StandardTagsAspect(tags));
    applyPolicy(this, { protect: this.config.protect }); // after the tags aspect: rules check the tagged result
    // Created before the targets: each sets its value as the workload's ORIGIN_SECRET.
    this.originSecret = new OriginSecret(this, "origin-secret");
    // Operations: every cloud alerts against the same objectives, to the same people (docs/operations.md).
    const objectives = objectivesFor(this.config);
    const route = alertRoute(this, this.config, this.spec.name);
    if (objectives.silencedBecause !== undefined) suppress(this, "BP_OPS_1", objectives.silencedBecause);

    // --- AWS: Lambda behind an HTTP API, ECS Fargate behind an ALB ---
    if (this.providers.aws && this.config.aws) {
      const aws = {
        spec: this.spec,
        settings: this.config.aws,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fn = new AwsFunctionTarget(this, "aws-function", { ...aws, bundle: this.bundles.aws });
      // The ALB's certificate is validated, and its hostname published, in the environment's Cloudflare zone.
      const zone = { zoneId: this.config.cloudflare.zoneId, domain: this.config.cloudflare.domain };
      const ct = new AwsContainerTarget(this, "aws-container", { ...aws, zone });
      this.origins.push({ id: "aws.function", endpoint: fn.endpoint }, { id: "aws.container", endpoint: ct.endpoint });
      const region = this.config.aws.region;
      new AwsMonitoring(this, "aws-monitoring", {
        spec: this.spec,
        objectives,
        route,
        region,
        function: fn,
        container: ct,
      });
    }

    // --- Azure: Flex Consumption function + Container App (lib/azure) ---
    if (this.providers.azure && this.config.azure) {
      const azure = {
        spec: this.spec,
        settings: this.config.azure,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fn = new AzureFunctionTarget(this, "azure-function", { ...azure, bundle: this.bundles.azure });
      const ct = new AzureContainerTarget(this, "azure-container", azure);
      this.origins.push(
        { id: "azure.function", endpoint: fn.endpoint },
        { id: "azure.container", endpoint: ct.endpoint },
      );
      const foundation = fn.foundation;
      new AzureMonitoring(this, "azure-monitoring", {
        ...azure,
        objectives,
        route,
        foundation,
        function: fn,
        container: ct,
      });
    }

    // --- GCP: Cloud Functions (2nd gen) + Cloud Run (lib/gcp) ---
    if (this.providers.gcp && this.config.gcp) {
      const gcp = {
        spec: this.spec,
        settings: this.config.gcp,
        protect: this.config.protect,
        originSecret: this.originSecret.value,
      };
      const fn = new GcpFunctionTarget(this, "gcp-function", { ...gcp, bundle: this.bundles.gcp });
      const ct = new GcpContainerTarget(this, "gcp-container", gcp);
      this.origins.push({ id: "gcp.function", endpoint: fn.endpoint }, { id: "gcp.container", endpoint: ct.endpoint });
      new GcpMonitoring(this, "gcp-monitoring", {
        spec: this.spec,
        objectives,
        route,
        project: this.config.gcp.project,
        targets: [
          { id: "gcp.function", endpoint: fn.endpoint },
          { id: "gcp.container", endpoint: ct.endpoint },
        ],
      });
    }

    // Last: the edge reads `origins` once, so every target must have added its origin by now.
    this.edge = new Edge(this, "edge", {
      config: this.config,
      origins: this.origins,
      originSecret: this.originSecret.value,
      serviceName: this.spec.name,
    });
    // Azure and GCP probe their own origins (standard tests, uptime checks); AWS origins are probed from Cloudflare.
    new EdgeMonitoring(this, "edge-monitoring", {
      service: this.spec.name,
      environment: this.config.name,
      objectives,
      route,
      accountId: this.config.cloudflare.accountId,
      zoneId: this.config.cloudflare.zoneId,
      edgeUrl: this.edge.url,
      healthPath: this.spec.healthPath,
      origins: this.origins.filter((origin) => origin.id.startsWith("aws.")),
    });
  }
}
