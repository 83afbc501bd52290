/**
 * EnvironmentStack: everything one environment deploys. It knows the clouds
 * only through the cloud registry (clouds.ts, the one module that imports
 * every cloud folder); each cloud folder stays independent of the others.
 */
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { functionBundles } from "../../app/build/bundles";
import type { Cloud, EnvironmentConfig } from "../config/schema";
import type { WorkloadTarget } from "../contract/target";
import { Edge } from "../edge/edge";
import { OriginSecret } from "../edge/origin-secret";
import { applyPolicy } from "../policy";
import { StandardTagsAspect, standardTags } from "../policy/tags";
import { type FunctionBundle, type Origin, type ServiceSpec, serviceSpecFor } from "../service";
import { addBackend } from "./backend";
import { enabledClouds } from "./clouds";
import { addProviders, type Providers } from "./providers";

export interface EnvironmentStackProps {
  /** The validated environment (see `loadEnvironments`). */
  readonly config: EnvironmentConfig;
  /**
   * Container image to deploy, usually `CONTAINER_IMAGE` from CI.
   * @default - `containerImage` of the environment, else of environments/company.ts
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
  /** Every enabled cloud's function and container target, in `CLOUDS` order. */
  readonly targets: WorkloadTarget[] = [];
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
    const tags = standardTags(this.config.name, this.config.company);

    addBackend(this, this.config);
    this.providers = addProviders(this, this.config, tags);
    Aspects.of(this).add(new StandardTagsAspect(tags));
    applyPolicy(this, { protect: this.config.protect }); // after the tags aspect: rules check the tagged result
    // Created before the targets: each sets its value as the workload's ORIGIN_SECRET.
    this.originSecret = new OriginSecret(this, "origin-secret");

    // Every enabled cloud's function and container target, from the cloud registry (lib/stacks/clouds.ts).
    for (const { cloud, module, settings } of enabledClouds(this.config)) {
      this.targets.push(
        ...module.addTargets(this, {
          spec: this.spec,
          settings,
          protect: this.config.protect,
          originSecret: this.originSecret.value,
          bundle: this.bundles[cloud],
          config: this.config,
        }),
      );
    }
    this.origins.push(...this.targets.map((target) => target.origin));

    // Last: the edge reads `origins` once, so every target must have added its origin by now.
    this.edge = new Edge(this, "edge", {
      config: this.config,
      origins: this.origins,
      originSecret: this.originSecret.value,
      serviceName: this.spec.name,
    });
  }
}
