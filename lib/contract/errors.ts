/**
 * The one error lib/ throws for input it refuses: a stable code (a reader
 * searches docs/errors.md or the code for it, and tests can tell two
 * refusals apart without matching prose), every problem at once, each line
 * `<env>.<field.path>: <what is wrong>` like a config error where a field is
 * to blame, under the path of the construct that found them when there is
 * one. Configuration files have ConfigError (lib/config/errors.ts), policy
 * findings PolicyError (lib/policy/report.ts).
 *
 * Codes are `BPE_<AREA>_<n>` ("blueprint error"), distinct from the policy
 * rule ids (`BP_AWS_1`, `CKV_AWS_2`...): a code is never reused for another
 * error, and `__tests__/contract/errors.test.ts` checks that each is thrown
 * from one place and documented in docs/errors.md.
 */

/** Every code, with what it means in one line (docs/errors.md has the same table, checked by a test). */
export const CONSTRUCT_ERRORS = {
  BPE_SPEC_1: "A ServiceSpec is outside what a target's cloud accepts (limits tables, reserved variables)",
  BPE_TARGET_1: "A target's origin or endpoint was read before the target called expose()",
  BPE_IMAGE_1: "A container image reference has no repository",
  BPE_BACKEND_1: "Remote state of GitLab-managed http state asked for without its address",
  BPE_STACK_1: "The release given to an environment stack is invalid (id, digest, step)",
  BPE_STACK_2: "cdktf's app-level validation failed at synth",
  BPE_MONITORING_1: "An alert route has no e-mail address, webhook or relay: its alerts would notify nobody",
  BPE_EDGE_1:
    "The Edge construct's props are invalid (origins, hostname, script name, timeouts, sample rate, sticky header)",
  BPE_EDGE_2: "The origin secret's length is outside 48-128",
  BPE_EDGE_3: "The sticky-key generation is not a whole number 0 or more",
  BPE_EDGE_4: "esbuild returned no Worker bundle",
  BPE_EDGE_5: "An edge signal query asks for minutes outside 1-1440",
  BPE_EDGE_6: "An edge signal query names a dataset that is not a dataset name",
  BPE_EDGE_7: "An edge signal query names an origin that is not an origin id",
  BPE_EDGE_8: "The Analytics Engine answer has no data array",
  BPE_EDGE_9: "An edge signal query names a release that is not a release id",
  BPE_EDGE_10: "An edge signal query names a step that is not a rollout step",
  BPE_EDGE_11: "An Analytics Engine row has no number for one of its columns",
  BPE_AWS_1: "service.logRetentionDays is not a CloudWatch Logs retention",
  BPE_AWS_2: "An ECR lifecycle keeps fewer than one image",
  BPE_AWS_3: "An IAM action has a wildcard",
  BPE_AWS_4: "No Fargate task size fits the memory and CPU asked for",
  BPE_AWS_5: "aws.vpcCidr is not an IPv4 CIDR",
  BPE_AWS_6: "aws.vpcCidr has host bits set",
  BPE_AWS_7: "aws.vpcCidr is too small for the subnets",
  BPE_AWS_8: "A subnet index does not fit the subnet bits",
  BPE_AZURE_1: "Two Azure targets of a stack ask for different foundations",
  BPE_AZURE_2: "The Azure foundation's construct id is taken by another construct",
  BPE_AZURE_3: "The new release's percent on Container Apps is not 0-100",
  BPE_AZURE_4: "A stable Container Apps revision is not a revision suffix",
  BPE_AZURE_5: "Secret names are not environment variable names",
  BPE_AZURE_6: "Two secret names differ only in case",
  BPE_AZURE_7: "Log Analytics retention is not a positive whole number",
  BPE_AZURE_8: "memoryMb is larger than the largest Flex Consumption instance",
  BPE_AZURE_9: "memoryMb is larger than the largest Container Apps consumption size",
  BPE_AZURE_10: "A Container Apps memory value cannot be read back",
  BPE_GCP_1: "A GCP resource name breaks its naming rules",
  BPE_GCP_2: "A GCP bucket name starts with goog or contains google",
  BPE_GCP_3: "GCP targets of one stack name different projects",
  BPE_GCP_4: "A stable Cloud Run revision is not a revision of the service",
  BPE_GCP_5: "Two GCP targets ask for different project-wide log retentions",
  BPE_GCP_6: "logRetentionDays is outside what Cloud Logging keeps",
  BPE_GCP_7: "An Artifact Registry cleanup keeps fewer than one version",
  BPE_GCP_8: "An Artifact Registry cleanup deletes after less than a day",
  BPE_GCP_9: "A container image has no tag or digest",
  BPE_GCP_10: "A container image uses the latest tag",
  BPE_GCP_11: "A service account id is not 6-30 lowercase letters, digits or hyphens",
  BPE_GCP_12: "A grant of a basic or owner-like GCP role",
  BPE_PERMISSIONS_1: "A role or managed policy is not in its cloud's table of documented permissions",
  BPE_BOOTSTRAP_1: "A GCP workload identity attribute condition is longer than GCP allows",
} as const;

export type ConstructErrorCode = keyof typeof CONSTRUCT_ERRORS;

export class ConstructError extends Error {
  /** One line each: `<env>.<field.path>: <what is wrong, what is allowed>` where a field is to blame. */
  readonly problems: readonly string[];

  /**
   * @param code - the stable code (`CONSTRUCT_ERRORS`), first in the message
   * @param constructPath - the construct that refused its input (`staging/aws-function`), when one did
   * @param problems - one problem as a sentence, or several, listed one a line
   */
  constructor(
    readonly code: ConstructErrorCode,
    readonly constructPath: string | undefined,
    problems: string | readonly string[],
  ) {
    const list = typeof problems === "string" ? [problems] : problems;
    const body =
      typeof problems === "string"
        ? problems
        : `${list.length} problem${list.length === 1 ? "" : "s"}:\n${list.map((p) => `  - ${p}`).join("\n")}`;
    super(`[${code}] ${constructPath === undefined ? "" : `${constructPath}: `}${body}`);
    this.problems = list;
    this.name = "ConstructError";
  }
}
