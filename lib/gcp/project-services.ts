/**
 * The Google APIs the targets call, enabled once per stack however many
 * targets ask for them. Destroying the stack leaves them enabled: other
 * workloads in the project may use them, and disabling an API can break them.
 */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { TerraformStack } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { ConstructError } from "../contract/errors";
import { ProjectLogRetention } from "./logs";

/** APIs every target needs: service accounts, their project-level grants, logs. */
export const BASE_APIS = [
  "iam.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "logging.googleapis.com",
  "run.googleapis.com",
] as const;
/** Extra APIs of the 2nd gen function: source bucket, build, built images. */
export const FUNCTION_APIS = [
  "cloudfunctions.googleapis.com",
  "cloudbuild.googleapis.com",
  "artifactregistry.googleapis.com",
  "storage.googleapis.com",
] as const;
/** Extra APIs of the Cloud Run container: its image repository. */
export const CONTAINER_APIS = ["artifactregistry.googleapis.com"] as const;
/** Needed only when the workload reads secrets. */
export const SECRET_APIS = ["secretmanager.googleapis.com"] as const;

const ID = "gcp-project-services";

export class ProjectServices extends Construct {
  /** The stack's single instance for `project`, created on first use. */
  static of(scope: IConstruct, project: string): ProjectServices {
    const stack = TerraformStack.of(scope);
    const found = stack.node.tryFindChild(ID) as ProjectServices | undefined;
    if (found === undefined) return new ProjectServices(stack, ID, project);
    if (found.project !== project) {
      throw new ConstructError(
        "BPE_GCP_3",
        undefined,
        `GCP targets of one stack must share a project (got "${found.project}" and "${project}")`,
      );
    }
    return found;
  }

  private readonly enabled = new Map<string, ProjectService>();

  private constructor(
    scope: Construct,
    id: string,
    readonly project: string,
  ) {
    super(scope, id);
  }

  /** Enables each API once and returns them all, for `dependsOn`. */
  require(apis: readonly string[]): ProjectService[] {
    return [...new Set(apis)].map((api) => {
      let service = this.enabled.get(api);
      if (service === undefined) {
        service = new ProjectService(this, api.split(".")[0], {
          project: this.project,
          service: api,
          disableOnDestroy: false,
          disableDependentServices: false,
        });
        this.enabled.set(api, service);
      }
      return service;
    });
  }
}

export interface TargetGroundworkProps {
  readonly project: string;
  /** The target's own APIs (FUNCTION_APIS, CONTAINER_APIS), beside BASE_APIS. */
  readonly apis: readonly string[];
  /** Whether the workload reads secrets (then Secret Manager is enabled too). */
  readonly readsSecrets: boolean;
  readonly logRetentionDays: number;
}

/**
 * What a GCP target needs before it builds anything: its APIs enabled, and
 * the project's log retention once they are. Returns the APIs, for `dependsOn`.
 */
export function targetGroundwork(target: IConstruct, props: TargetGroundworkProps): ProjectService[] {
  const apis = ProjectServices.of(target, props.project).require([
    ...BASE_APIS,
    ...props.apis,
    ...(props.readsSecrets ? SECRET_APIS : []),
  ]);
  ProjectLogRetention.of(target, props.project, props.logRetentionDays, apis);
  return apis;
}
