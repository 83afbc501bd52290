/**
 * What the two GCP targets share, once: where they run, the spec against the
 * kind's limits with the concurrency both take, the project's APIs and log
 * retention (`targetGroundwork`), the workload's secrets in Secret Manager,
 * public invocation and what they expose.
 */
import type { Construct } from "constructs";
import type { TargetKind } from "../config/schema";
import { assertSpec } from "../contract/spec-validation";
import { TargetConstruct, type TargetPlacement, type TargetProps } from "../contract/target";
import { allowPublicInvocation } from "./identity";
import { type TargetGroundwork, targetGroundwork } from "./project-services";
import { WorkloadSecrets, type WorkloadSecretsProps } from "./secrets";
import type { GcpSettings } from "./settings";
import { DEFAULT_CONCURRENCY } from "./sizing";
import { concurrencyProblems, GCP_LIMITS } from "./validation";

/** What both GCP targets take beside `TargetProps`. */
export interface GcpTargetProps extends TargetProps<GcpSettings> {
  /**
   * Requests one instance serves at once.
   * @default 80
   */
  readonly concurrency?: number;
}

/** The kind of target and what it adds to the shared steps. */
export interface GcpTargetShape {
  readonly kind: TargetKind;
  /** The kind's own APIs (FUNCTION_APIS, CONTAINER_APIS), beside BASE_APIS. */
  readonly apis: readonly string[];
  /** @default - none */
  readonly platformSets?: TargetPlacement["platformSets"];
  /**
   * The target's own props problems, reported with the spec's.
   * @default - none
   */
  readonly problems?: readonly string[];
}

export abstract class GcpTarget extends TargetConstruct {
  protected readonly project: string;
  protected readonly region: string;
  /** Requests one instance serves at once, checked against the product's range. */
  protected readonly concurrency: number;
  /** The enabled APIs, the names and the secret variables both targets build from. */
  protected readonly groundwork: TargetGroundwork;
  private readonly publicInvoker: boolean;

  protected constructor(scope: Construct, id: string, props: GcpTargetProps, shape: GcpTargetShape) {
    const { project, region } = props.settings;
    super(scope, id, props, { cloud: "gcp", kind: shape.kind, region, platformSets: shape.platformSets });
    this.project = project;
    this.region = region;
    this.publicInvoker = props.settings.publicInvoker;
    this.concurrency = props.concurrency ?? DEFAULT_CONCURRENCY;
    assertSpec(this, props.spec, GCP_LIMITS[shape.kind], [
      ...concurrencyProblems(this.concurrency),
      ...(shape.problems ?? []),
    ]);
    this.groundwork = targetGroundwork(this, {
      project,
      apis: shape.apis,
      spec: props.spec,
      workloadEnvironment: this.workloadEnvironment,
    });
  }

  /** The workload's secret variables in Secret Manager (the origin secret stored under `<kind>-origin-secret`). */
  protected workloadSecrets(kind: WorkloadSecretsProps["kind"]): WorkloadSecrets {
    const { apis, names, secretReferences } = this.groundwork;
    return new WorkloadSecrets(this, "secrets", {
      project: this.project,
      names,
      kind,
      references: secretReferences,
      dependsOn: apis,
    });
  }

  /**
   * Completes the target: anyone may invoke the Cloud Run service that serves it when the
   * settings say so, and monitoring keys its metrics by project.
   */
  protected exposeService(workload: {
    readonly uri: string;
    /** The product's name for it (function or service). */
    readonly name: string;
    /** The Cloud Run service that serves it: a 2nd gen function is served by one too. */
    readonly runService: string;
  }): void {
    if (this.publicInvoker) {
      // Invocation is Cloud Run's run.invoker, on functions too.
      allowPublicInvocation(this, { project: this.project, region: this.region, service: workload.runService });
    }
    this.expose(workload.uri, { name: workload.name, region: this.region, scope: { project: this.project } });
  }
}
