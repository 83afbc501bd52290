/**
 * EnvironmentStack: everything one environment deploys. The only module that
 * knows every cloud; each cloud folder stays independent of the others.
 */
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { Edge } from "../edge/edge";
import { OriginSecret } from "../edge/origin-secret";
import { StandardTagsAspect, standardTags } from "../policy/tags";
import { type Origin, type ServiceSpec, serviceSpecFor } from "../service";
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
}

export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly spec: ServiceSpec;
  readonly providers: Providers;
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
    const tags = standardTags(this.config.name, this.spec.name);

    addBackend(this, this.config);
    this.providers = addProviders(this, this.config, tags);
    Aspects.of(this).add(new StandardTagsAspect(tags));
    this.originSecret = new OriginSecret(this, "origin-secret");

    // Cloud targets go above this line: each pushes its Origin onto this.origins.
    this.edge = new Edge(this, "edge", {
      config: this.config,
      origins: this.origins,
      originSecret: this.originSecret.value,
      serviceName: this.spec.name,
    });
  }
}
