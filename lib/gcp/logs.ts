/**
 * Log retention for the project's `_Default` log bucket, where Cloud Run and
 * Cloud Functions write request and stdout logs. One environment = one project
 * here, so the project-wide setting is the workload's setting; a dedicated
 * bucket plus sink would only duplicate it (and `_Default` would still keep a
 * copy unless excluded). Destroying the stack leaves the bucket (it cannot be
 * deleted) with the retention last applied.
 */
import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { type ITerraformDependable, TerraformStack, Token } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { ConstructError } from "../contract/errors";

/** Cloud Logging accepts 1 to 3650 days on a log bucket. */
export const MAX_RETENTION_DAYS = 3650;

const ID = "gcp-log-retention";

export class ProjectLogRetention extends Construct {
  /** The stack's single instance, created on first use; every caller must ask for the same retention. */
  static of(
    scope: IConstruct,
    project: string,
    retentionDays: number,
    dependsOn: ITerraformDependable[],
  ): ProjectLogRetention {
    const stack = TerraformStack.of(scope);
    const found = stack.node.tryFindChild(ID) as ProjectLogRetention | undefined;
    if (found === undefined) return new ProjectLogRetention(stack, ID, project, retentionDays, dependsOn);
    if (found.retentionDays !== retentionDays || found.project !== project) {
      throw new ConstructError(
        "BPE_GCP_5",
        undefined,
        `GCP log retention is project-wide: ${found.retentionDays} days on "${found.project}" already, ${retentionDays} asked on "${project}"`,
      );
    }
    return found;
  }

  readonly config: LoggingProjectBucketConfig;

  private constructor(
    scope: Construct,
    id: string,
    readonly project: string,
    readonly retentionDays: number,
    dependsOn: ITerraformDependable[],
  ) {
    super(scope, id);
    if (!Token.isUnresolved(retentionDays) && (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS)) {
      throw new ConstructError(
        "BPE_GCP_6",
        this.node.path,
        `logRetentionDays is ${retentionDays}; Cloud Logging keeps logs 1 to ${MAX_RETENTION_DAYS} days`,
      );
    }
    this.config = new LoggingProjectBucketConfig(this, "default-bucket", {
      project,
      location: "global",
      bucketId: "_Default",
      retentionDays,
      dependsOn,
    });
  }
}
