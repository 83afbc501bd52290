/**
 * The contract between EnvironmentStack and every cloud folder, in types:
 * what each of the six targets takes (`TargetProps`) and what it gives back
 * (`WorkloadTarget`). docs/adding-a-cloud.md walks through it.
 */
import { Construct } from "constructs";
import type { Cloud, OriginId, TargetKind } from "../config/schema";
import { applyProtections } from "../policy/protections";
import type { Rollout } from "../release";
import type { Origin, ServiceSpec } from "../service";
import { ConstructError } from "./errors";
import { type WorkloadEnvironment, type WorkloadEnvironmentOptions, workloadEnvironment } from "./workload-environment";

/** What every FunctionTarget and ContainerTarget takes; each target's props extend it. */
export interface TargetProps<Settings> {
  /** The workload, cloud-neutral: sizes, variables, secrets, health path, image, retention, canary. */
  readonly spec: ServiceSpec;
  /** The environment's block for this cloud (region or location, account, subscription or project...). */
  readonly settings: Settings;
  /**
   * The edge's shared secret (a Terraform token), given to the workload as the
   * ORIGIN_SECRET secret through `workloadEnvironment`.
   * @default - none: the workload accepts requests without the header
   */
  readonly originSecret?: string;
  /**
   * Production protections (deletion protection, prevent_destroy, no force
   * destroy), from the environment's `protect`.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Targets that split traffic between releases (Lambda alias, Container Apps
   * and Cloud Run revisions): the new release's share and the stable
   * revision or version, from lib/release.ts `rolloutFor`.
   * @default - the new release takes all traffic
   */
  readonly rollout?: Rollout;
}

/**
 * The names a target's cloud knows it by (tokens until apply where the cloud
 * generates them), for its cloud's monitoring: each alert row's `workload`
 * is `name`. Release tooling does not read them; it reads the stack's
 * outputs (`origins`, `release`).
 */
export interface TargetIdentifiers {
  /**
   * The product's own name for the workload: Lambda function, ECS service,
   * Function App, Container App, Cloud Function, Cloud Run service.
   */
  readonly name: string;
  /** Region or location it runs in. */
  readonly region: string;
  /**
   * What else the cloud's metrics are keyed by, by name: ECS `cluster`, Lambda
   * `alias`, Azure `resourceGroup`, GCP `project`.
   * @default - none
   */
  readonly scope?: Readonly<Record<string, string>>;
}

/** What every target exposes to the stack, the edge, monitoring and the pipeline. */
export interface WorkloadTarget {
  readonly cloud: Cloud;
  readonly kind: TargetKind;
  /** `{ id: "<cloud>.<kind>", endpoint }`: what the edge routes to. */
  readonly origin: Origin;
  /** HTTPS base URL (a Terraform token until apply); the same as `origin.endpoint`. */
  readonly endpoint: string;
  /** Path that answers 200 when the workload is healthy (probes, post-deploy verification). */
  readonly healthPath: string;
  /** The names its cloud knows it by, for that cloud's alerts. */
  readonly identifiers: TargetIdentifiers;
  /** The variables the workload receives (plain values and secret references). */
  readonly workloadEnvironment: WorkloadEnvironment;
  /**
   * The image reference the target runs (container targets; functions run a zip).
   * @default - undefined for function targets
   */
  readonly image?: string;
  /**
   * Where the target splits traffic between releases: the revision or version
   * this apply deploys (Lambda version, Container Apps revision suffix, Cloud
   * Run revision; a token until apply where the cloud assigns it). The stack
   * records it in the `release` output once it serves 100%.
   * @default - undefined: the target replaces its code in place
   */
  readonly revision?: string;
}

/** The origin id of a target: `<cloud>.<kind>`. */
export function originId(cloud: Cloud, kind: TargetKind): OriginId {
  return `${cloud}.${kind}` as OriginId;
}

/** Where a target runs: what its base class needs before the target builds anything. */
export interface TargetPlacement {
  readonly cloud: Cloud;
  readonly kind: TargetKind;
  /** Region or location (what the workload reports as `REGION`). */
  readonly region: string;
  /**
   * Contract variables the platform sets itself (Cloud Run's `PORT`).
   * @default - none
   */
  readonly platformSets?: WorkloadEnvironmentOptions["platformSets"];
}

/**
 * What every target does the same way, once: its production protections
 * (`applyProtections`), its workload variables (`workloadEnvironment`), and
 * the `WorkloadTarget` surface, which the target completes with `expose`.
 */
export abstract class TargetConstruct extends Construct implements WorkloadTarget {
  readonly cloud: Cloud;
  readonly kind: TargetKind;
  readonly healthPath: string;
  readonly workloadEnvironment: WorkloadEnvironment;
  /** The target's `protect`, already applied to every resource below it. */
  protected readonly protect: boolean;
  private exposed?: { readonly endpoint: string; readonly identifiers: TargetIdentifiers };

  protected constructor(scope: Construct, id: string, props: TargetProps<unknown>, placement: TargetPlacement) {
    super(scope, id);
    this.cloud = placement.cloud;
    this.kind = placement.kind;
    this.protect = props.protect ?? false;
    // Production protections for every resource below, from the one table in lib/policy/protections.ts.
    applyProtections(this, this.protect);
    this.healthPath = props.spec.healthPath;
    this.workloadEnvironment = workloadEnvironment(props.spec, {
      cloud: placement.cloud,
      region: placement.region,
      target: placement.kind,
      originSecret: props.originSecret,
      platformSets: placement.platformSets,
    });
  }

  /** Completes the target: its public endpoint and the names monitoring addresses it by. */
  protected expose(endpoint: string, identifiers: TargetIdentifiers): void {
    this.exposed = { endpoint, identifiers };
  }

  /** HTTPS base URL (a Terraform token until apply). */
  get endpoint(): string {
    return this.completed().endpoint;
  }

  get origin(): Origin {
    return { id: originId(this.cloud, this.kind), endpoint: this.endpoint };
  }

  get identifiers(): TargetIdentifiers {
    return this.completed().identifiers;
  }

  private completed(): { readonly endpoint: string; readonly identifiers: TargetIdentifiers } {
    if (this.exposed === undefined)
      throw new ConstructError("BPE_TARGET_1", this.node.path, "read before the target called expose()");
    return this.exposed;
  }
}
