/**
 * A dedicated service account per workload identity, so no target ever runs
 * (or builds) as the project's default compute account, and grants that name
 * one predefined role each: never a basic role, never a wildcard.
 */
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { RULES } from "./naming";

/** Basic roles are project-wide and far too broad for a workload identity. */
const FORBIDDEN_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

export interface ServiceIdentityProps {
  readonly project: string;
  /** Account id (6-30 characters), from `serviceAccountId()`. */
  readonly accountId: string;
  /** Shown in the console: what runs as this account. */
  readonly displayName: string;
  /**
   * Resources to create first (the IAM API).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

export class ServiceIdentity extends Construct {
  readonly account: ServiceAccount;
  /** The account's email (a token). */
  readonly email: string;
  /** `serviceAccount:<email>`, for IAM members (a token). */
  readonly member: string;
  /** Email known at synth time (for fingerprints and tests); equals `email` once applied. */
  readonly plannedEmail: string;
  /** Project-level grants, for `dependsOn`. */
  readonly grants: ProjectIamMember[] = [];
  private readonly project: string;

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    if (!RULES.serviceAccountId.test(props.accountId)) {
      throw new ConstructError(
        "BPE_GCP_11",
        this.node.path,
        `service account id "${props.accountId}" must be 6-30 lowercase letters, digits or hyphens`,
      );
    }
    this.project = props.project;
    this.account = new ServiceAccount(this, "account", {
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName,
      dependsOn: props.dependsOn,
    });
    this.email = this.account.email;
    this.member = this.account.member;
    this.plannedEmail = `${props.accountId}@${props.project}.iam.gserviceaccount.com`;
  }

  /** Grants one predefined role on the project. */
  grantProjectRole(role: string): ProjectIamMember {
    if (FORBIDDEN_ROLES.has(role) || !role.startsWith("roles/")) {
      throw new ConstructError(
        "BPE_GCP_12",
        this.node.path,
        `refusing to grant "${role}" to ${this.plannedEmail}: grant a narrower predefined role`,
      );
    }
    const grant = new ProjectIamMember(this, `role-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, {
      project: this.project,
      role,
      member: this.member,
    });
    this.grants.push(grant);
    return grant;
  }
}

/**
 * Lets anyone invoke a Cloud Run service (a 2nd gen function is one too), for
 * `settings.publicInvoker`: the edge reaches the origin without a Google identity
 * and the workload checks the origin secret instead.
 */
export function allowPublicInvocation(
  scope: Construct,
  props: { readonly project: string; readonly region: string; readonly service: string },
): CloudRunV2ServiceIamMember {
  return new CloudRunV2ServiceIamMember(scope, "public-invoker", {
    project: props.project,
    location: props.region,
    name: props.service,
    role: "roles/run.invoker",
    member: "allUsers",
  });
}
