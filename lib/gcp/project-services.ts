/**
 * The Google APIs the targets call, enabled once per stack however many
 * targets ask for them. Destroying the stack leaves them enabled: other
 * workloads in the project may use them, and disabling an API can break them.
 */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { TerraformStack } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { ConstructError } from "../contract/errors";
import { type SecretReference, secretVariables, type WorkloadEnvironment } from "../contract/workload-environment";
import { ProjectLogRetention } from "./logs";
import type { NameSource } from "./naming";
import { WorkloadSecrets } from "./secrets";

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
  readonly spec: { readonly name: string; readonly environment: string; readonly logRetentionDays: number };
  /** The target's workload environment: its secret variables decide whether Secret Manager is enabled too. */
  readonly workloadEnvironment: WorkloadEnvironment;
}

export interface TargetGroundwork {
  /** The enabled APIs, for `dependsOn`. */
  readonly apis: ProjectService[];
  readonly names: NameSource;
  /** The workload's secret variables, for WorkloadSecrets. */
  readonly secretReferences: [string, SecretReference][];
}

/**
 * What a GCP target needs before it builds anything: its APIs enabled, and
 * the project's log retention once they are; with the names and secret
 * variables both targets build from.
 */
export function targetGroundwork(target: IConstruct, props: TargetGroundworkProps): TargetGroundwork {
  const names = { service: props.spec.name, environment: props.spec.environment };
  const secretReferences = secretVariables(props.workloadEnvironment);
  const apis = ProjectServices.of(target, props.project).require([
    ...BASE_APIS,
    ...props.apis,
    ...(WorkloadSecrets.needed({ references: secretReferences }) ? SECRET_APIS : []),
  ]);
  ProjectLogRetention.of(target, props.project, props.spec.logRetentionDays, apis);
  return { apis, names, secretReferences };
}
