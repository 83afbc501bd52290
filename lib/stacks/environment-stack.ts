/**
 * EnvironmentStack: everything one environment deploys. It knows the clouds
 * only through the cloud registry (clouds.ts, the one module that imports
 * every cloud folder); each cloud folder stays independent of the others.
 */
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { functionBundles } from "../../app/build/bundles";
import { addBackend } from "../backend";
import { edgeHostname } from "../config/company";
import { type Cloud, type EnvironmentConfig, TARGET_KINDS, type TargetKind } from "../config/schema";
import { ConstructError } from "../contract/errors";
import { originId, type WorkloadTarget } from "../contract/target";
import { Edge, type EdgeProps } from "../edge/edge";
import { EdgeMonitoring } from "../edge/monitoring";
import { OriginSecret } from "../edge/origin-secret";
import { edgeChecks, edgeProbes } from "../edge/plan";
import { objectivesFor } from "../monitoring/objectives";
import { alertRoute } from "../monitoring/route";
import { applyPolicy, suppress } from "../policy";
import { StandardTagsAspect, standardTags } from "../policy/tags";
import { AlertRelay } from "../relay/relay";
import {
  LOCAL_RELEASE,
  type Release,
  type ReleaseId,
  type Rollout,
  type RolloutPlan,
  releaseProblems,
  rolloutPlan,
} from "../release";
import { type FunctionBundle, type Origin, type ServiceSpec, serviceSpecFor } from "../service";
import {
  EDGE_SPLIT_ORIGINS,
  edgeProber as edgeProberOf,
  enabledClouds,
  originsProbedFromEdge,
  SELF_SPLIT_ORIGINS,
} from "./clouds";
import { addProviders, type Providers } from "./providers";

export interface EnvironmentStackProps {
  /** The validated environment (see `loadEnvironments`). */
  readonly config: EnvironmentConfig;
  /**
   * The release to deploy and its rollout step, from the pipeline (lib/release.ts).
   * @default LOCAL_RELEASE - a fresh clone: the environment's `containerImage`, no stable release
   */
  readonly release?: Release;
  /**
   * The workload's function zip per cloud.
   * @default - built from app/ by `functionBundles()` (once per process)
   */
  readonly bundles?: Readonly<Record<Cloud, FunctionBundle>>;
}

/**
 * What the edge takes from the environment, read here once: the Edge construct never sees the
 * whole environment. `serviceName` and `weights` are the environment's; a stack passes its
 * spec's name and the rollout step's weights instead.
 */
export function edgeSettings(
  config: EnvironmentConfig,
): Pick<
  EdgeProps,
  "environment" | "cloudflare" | "hostname" | "serviceName" | "weights" | "serviceTimeoutSeconds" | "maxBodyBytes"
> {
  return {
    environment: config.name,
    cloudflare: config.cloudflare,
    hostname: edgeHostname(config.cloudflare.domain),
    serviceName: config.company.service,
    weights: config.weights,
    serviceTimeoutSeconds: config.service.timeoutSeconds,
    maxBodyBytes: config.service.maxBodyBytes,
  };
}

export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly spec: ServiceSpec;
  /** The release this stack deploys and its rollout step. */
  readonly release: Release;
  readonly providers: Providers;
  readonly bundles: Readonly<Record<Cloud, FunctionBundle>>;
  /** Every enabled cloud's function and container target, in `CLOUDS` order. */
  readonly targets: WorkloadTarget[] = [];
  /** Every target's public endpoint, in `ORIGINS` order; the edge routes between them. */
  readonly origins: Origin[] = [];
  /** The image each cloud's container target pulls from its own registry (where `publish:<env>` copies it). */
  readonly images: Partial<Record<Cloud, string>> = {};
  /** Secret the edge sends to every origin: targets set `originSecret.value` as the workload's ORIGIN_SECRET. */
  readonly originSecret: OriginSecret;
  /** The Cloudflare edge routing to `origins`; created last, so every target has added its origin. */
  readonly edge: Edge;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    // Stack id = environment name, so `cdktf deploy <name>` works.
    super(scope, props.config.name);
    this.config = props.config;
    this.release = props.release ?? LOCAL_RELEASE;
    const problems = releaseProblems(this.release);
    if (problems.length > 0)
      throw new ConstructError("BPE_STACK_1", undefined, `environment ${props.config.name}: ${problems.join("; ")}`);
    this.spec = serviceSpecFor(props.config, this.release);
    const { stable } = this.release;
    this.bundles = props.bundles ?? functionBundles();
    const tags = standardTags(this.config.name, this.config.company);

    addBackend(this, this.config);
    this.providers = addProviders(this, this.config, tags);
    Aspects.of(this).add(new StandardTagsAspect(tags));
    applyPolicy(this, { protect: this.config.protect }); // after the tags aspect: rules check the tagged result
    // Created before the targets: each sets its value as the workload's ORIGIN_SECRET.
    this.originSecret = new OriginSecret(this, "origin-secret");

    // The step's shares, computed once: targets, the edge and the release outputs read them (lib/release.ts).
    const plan = rolloutPlan(this.config, this.release, { byEdge: EDGE_SPLIT_ORIGINS, bySelf: SELF_SPLIT_ORIGINS });
    const rollouts = (cloud: Cloud): Partial<Record<TargetKind, Rollout>> =>
      Object.fromEntries(TARGET_KINDS.map((kind) => [kind, plan.target(originId(cloud, kind))]));
    // Targets that cannot shift traffic between releases (ECS) redeploy the stable release's spec on rollback.
    const rollbackSpec =
      this.release.step === "rollback" && stable !== undefined ? serviceSpecFor(this.config, stable) : undefined;

    // The one fact of the environment a cloud reads beyond its own block (AWS's ALB hostname and certificate).
    const zone = { zoneId: this.config.cloudflare.zoneId, domain: this.config.cloudflare.domain };
    // Every enabled cloud's function and container target, from the cloud registry (lib/stacks/clouds.ts).
    for (const { cloud, module, settings } of enabledClouds(this.config)) {
      this.targets.push(
        ...module.addTargets(this, {
          spec: this.spec,
          settings,
          protect: this.config.protect,
          originSecret: this.originSecret.value,
          bundle: this.bundles[cloud],
          zone,
          rollouts: rollouts(cloud),
          rollbackSpec,
        }),
      );
    }
    this.origins.push(...this.targets.map((target) => target.origin));
    for (const target of this.targets) {
      if (target.kind === "container" && target.image !== undefined) this.images[target.cloud] = target.image;
    }

    // Last: the edge reads `origins` once, so every target must have added its origin by now.
    this.edge = new Edge(this, "edge", {
      ...edgeSettings(this.config),
      origins: this.origins,
      originSecret: this.originSecret.value,
      serviceName: this.spec.name,
      weights: plan.edgeWeights,
      release: {
        id: this.release.id,
        step: plan.step,
        shares: Object.fromEntries(this.targets.map((t) => [t.origin.id, plan.releaseShare(t.origin.id)])),
      },
    });
    this.addReleaseOutputs(plan);
  }

  /**
   * What the pipeline reads back from state: `release` (what serves 100%
   * after this apply: the next pipeline's stable release), `release_deployed`
   * (what this apply deployed, which verify expects), every origin's endpoint
   * and the origin secret verify sends to reach one origin directly.
   */
  private addReleaseOutputs(plan: RolloutPlan): void {
    // Per splitting target: the new revision once it takes 100%, else the stable one it kept.
    const revisions: Record<string, string> = {};
    for (const target of this.targets) {
      if (target.revision === undefined) continue;
      const rollout = plan.target(target.origin.id);
      const revision = rollout.newPercent === 100 ? target.revision : rollout.stable;
      if (revision !== undefined) revisions[target.origin.id] = revision;
    }
    const settled = plan.settled;
    const id = (r: ReleaseId) => ({ id: r.id, ...(r.digest === undefined ? {} : { digest: r.digest }) });
    new TerraformOutput(this, "release", {
      value: { ...id(settled), revisions },
      description: "The release serving 100% after this apply, with its revision or version per target",
    });
    new TerraformOutput(this, "release_deployed", {
      value: { ...id(this.release), step: plan.step },
      description: "The release this apply deployed and its rollout step",
    });
    new TerraformOutput(this, "origins", {
      value: Object.fromEntries(this.origins.map((origin) => [origin.id, origin.endpoint])),
      description: "HTTPS base URL of every origin, by origin id",
    });
    new TerraformOutput(this, "origin_secret", {
      value: this.originSecret.value,
      sensitive: true,
      description: "Header value that reaches an origin directly (x-origin-secret); verify:<env> reads it from state",
    });

    // Operations: every cloud alerts against the same objectives, to the same people (docs/operations.md).
    const objectives = objectivesFor(this.config);
    const routeOnly = alertRoute(this, this.config.name, this.config.monitoring.notify, this.spec.name);
    // Receivers other than e-mail are reached through one relay on Cloudflare that every cloud posts to.
    const relay =
      (this.config.monitoring.notify.receivers ?? []).length === 0
        ? undefined
        : new AlertRelay(this, "alert-relay", {
            environment: this.config.name,
            cloudflare: this.config.cloudflare,
            receivers: this.config.monitoring.notify.receivers ?? [],
            serviceName: this.spec.name,
            snsTopics: [routeOnly.name],
          });
    const route = relay === undefined ? routeOnly : { ...routeOnly, relay: relay.endpoint };
    if (objectives.silencedBecause !== undefined) {
      for (const rule of ["BP_OPS_1", "BP_OPS_3"] as const) suppress(this, rule, objectives.silencedBecause);
    }
    // The zone's plan decides who probes from outside (lib/edge/plan.ts): Cloudflare, or each cloud and one for the edge.
    const edgeProbed = this.targets.filter((target) => originsProbedFromEdge(target.cloud)).map((t) => t.origin);
    const probes = edgeProbes(this.edge.url, this.spec.healthPath);
    const checks = edgeChecks(this.config.cloudflare, probes.length + edgeProbed.length);
    const edgeProber = checks.cloudflareHealthChecks ? undefined : edgeProberOf(this.config);
    for (const { cloud, module, settings } of enabledClouds(this.config)) {
      const targets = this.targets.filter((target) => target.cloud === cloud);
      module.addMonitoring(this, {
        spec: this.spec,
        settings,
        targets,
        objectives,
        route,
        protect: this.config.protect,
        originsProbedByEdge: checks.cloudflareHealthChecks && originsProbedFromEdge(cloud),
        probeEdge: cloud === edgeProber ? probes : undefined,
      });
    }
    // Origins of clouds without their own outside check (`edge.probesOrigins`) are probed from Cloudflare where the plan allows.
    new EdgeMonitoring(this, "edge-monitoring", {
      service: this.spec.name,
      environment: this.config.name,
      objectives,
      route,
      accountId: this.config.cloudflare.accountId,
      zoneId: this.config.cloudflare.zoneId,
      edgeUrl: this.edge.url,
      healthPath: this.spec.healthPath,
      origins: edgeProbed,
      checks,
    });
  }
}
