/**
 * What one cloud folder gives EnvironmentStack: its provider and its two
 * targets. lib/stacks/clouds.ts holds one `CloudModule` per cloud in a
 * `Record<Cloud, ...>`, so the stack loops instead of repeating a block per
 * cloud, and a missing cloud fails the type-check. docs/adding-a-cloud.md
 * lists every other touch point.
 */
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { Cloud, EnvironmentConfig, TargetKind } from "../config/schema";
import type { Objectives } from "../monitoring/objectives";
import type { AlertRoute } from "../monitoring/route";
import type { StandardTags } from "../policy/tags";
import type { Rollout } from "../release";
import type { FunctionBundle, ServiceSpec } from "../service";
import type { SpecLimits } from "./spec-validation";
import type { TargetProps, WorkloadTarget } from "./target";

/** The environment's settings block of one cloud (`config.aws`, `config.azure`, ...). */
export type CloudSettings<C extends Cloud> = NonNullable<EnvironmentConfig[C]>;

/** A Cloudflare zone by id and domain (the environment's `cloudflare.zoneId` and `cloudflare.domain`). */
export interface CloudflareZone {
  readonly zoneId: string;
  readonly domain: string;
}

/** What a cloud's `addTargets` receives: the common target props plus what the stack knows. */
export interface CloudTargetsProps<Settings> extends TargetProps<Settings> {
  /** The workload's function zip for this cloud. */
  readonly bundle: FunctionBundle;
  /**
   * The environment's Cloudflare zone, the one fact a cloud reads beyond its block: where a target
   * with a hostname of its own (AWS's ALB) publishes it and validates its certificate.
   */
  readonly zone: CloudflareZone;
  /**
   * Per target kind, the new release's share and the stable revision or version (lib/release.ts);
   * targets that split traffic between releases take theirs as `rollout`.
   * @default - the new release takes all traffic
   */
  readonly rollouts?: Readonly<Partial<Record<TargetKind, Rollout>>>;
  /**
   * On a rollback, the stable release's spec: a target that cannot shift traffic back to an
   * older revision (ECS) deploys it again.
   * @default - not a rollback
   */
  readonly rollbackSpec?: ServiceSpec;
}

/** What a cloud's `addMonitoring` receives: its own targets, the environment's objectives and route. */
export interface CloudMonitoringProps<Settings> {
  readonly spec: ServiceSpec;
  readonly settings: Settings;
  /** This cloud's targets, as `addTargets` returned them. */
  readonly targets: readonly WorkloadTarget[];
  readonly objectives: Objectives;
  readonly route: AlertRoute;
  /** Production protections, as the targets got them. */
  readonly protect: boolean;
  /**
   * Cloudflare health checks probe this cloud's origins (the zone's plan allows them,
   * lib/edge/plan.ts): a cloud without its own outside check (AWS) then adds none.
   * @default false - the cloud probes its origins itself
   */
  readonly originsProbedByEdge?: boolean;
  /**
   * Outside checks of the edge, when Cloudflare cannot probe it and this cloud does.
   * @default - this cloud does not probe the edge
   */
  readonly probeEdge?: readonly EdgeProbe[];
}

/**
 * One outside check of the edge's public URL: `health` is the edge's own health path (answered
 * by the Worker), `origin-health` the service's health path, which the Worker forwards to an
 * origin with the origin secret, so a secret mismatch or every origin down fails it.
 */
export interface EdgeProbe {
  readonly what: "health" | "origin-health";
  readonly url: string;
  readonly path: string;
}

export interface CloudModule<Settings> {
  /** What each target accepts beyond the generic ServiceSpec rules (`lib/<cloud>/validation.ts`). */
  readonly limits: Readonly<Record<TargetKind, SpecLimits>>;
  /** Region or location named by the settings: what the targets run in and report as `REGION`. */
  readonly region: (settings: Settings) => string;
  /** The cloud's Terraform provider, from the settings and never with credentials (each reads its own env vars). */
  readonly addProvider: (scope: Construct, settings: Settings, tags: StandardTags) => TerraformProvider;
  /** Creates the function and container targets (ids `<cloud>-function`, `<cloud>-container`) and returns them. */
  readonly addTargets: (scope: Construct, props: CloudTargetsProps<Settings>) => readonly WorkloadTarget[];
  /**
   * Alerts on every target to the environment's route, outside health checks where the
   * cloud has them, and one dashboard (id `<cloud>-monitoring`, docs/operations.md).
   */
  readonly addMonitoring: (scope: Construct, props: CloudMonitoringProps<Settings>) => void;
  /** How the cloud's targets and checks meet the edge. */
  readonly edge: CloudEdgeFacts;
}

/** What the stack needs to know about a cloud to route and probe through the edge. */
export interface CloudEdgeFacts {
  /**
   * Target kinds that replace their code in place and cannot split traffic between two
   * releases: the edge gives them the new release's share of their weight instead
   * (lib/release.ts `edgeWeights`).
   */
  readonly splitKinds: readonly TargetKind[];
  /**
   * Target kinds whose cloud runs the canary itself (ECS's CANARY deployment) with no
   * revision the pipeline tracks: the edge tags their answers with the canary's share
   * of the step (lib/release.ts `releaseShare`).
   */
  readonly selfSplitKinds: readonly TargetKind[];
  /**
   * Cloudflare health checks probe this cloud's origins where the zone's plan allows
   * (lib/edge/plan.ts), because the cloud has no outside check of its own that pages in
   * time; false when the cloud probes its own origins.
   */
  readonly probesOrigins: boolean;
  /**
   * When Cloudflare cannot probe the edge, the enabled cloud with the lowest rank does:
   * the order is how soon each cloud's outside checks page.
   */
  readonly proberRank: number;
}

/** One module per cloud: a cloud added to `CLOUDS` without one fails the type-check. */
export type CloudRegistry = { readonly [C in Cloud]: CloudModule<CloudSettings<C>> };
