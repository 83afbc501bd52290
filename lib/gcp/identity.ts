/**
 * A dedicated service account per workload identity, so no target ever runs
 * (or builds) as the project's default compute account, and grants that name
 * one predefined role each: never a basic role, never a wildcard.
 *
 * Bootstrap makes the accounts and their project grants
 * (lib/bootstrap/workload/gcp.ts, from `gcpWorkloadAccounts`); the targets
 * only name them (`workloadAccount`), so the deploy account needs
 * `iam.serviceAccountUser` on them and no IAM administration
 * (docs/bootstrap.md, "Bootstrap owns identity").
 */
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ProjectIamMember, type ProjectIamMemberCondition } from "@cdktf/provider-google/lib/project-iam-member";
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { type NameSource, RULES, serviceAccountId } from "./naming";

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
  /** Provider of the project (bootstrap has one per project). @default - the stack's */
  readonly provider?: GoogleProvider;
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
  private readonly provider?: GoogleProvider;

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
    this.provider = props.provider;
    this.account = new ServiceAccount(this, "account", {
      provider: props.provider,
      project: props.project,
      accountId: props.accountId,
      displayName: props.displayName,
      dependsOn: props.dependsOn,
    });
    this.email = this.account.email;
    this.member = this.account.member;
    this.plannedEmail = `${props.accountId}@${props.project}.iam.gserviceaccount.com`;
  }

  /**
   * Grants one predefined role on the project; with `condition`, only where
   * it holds (an IAM condition on the resource name: the environment's own
   * secrets or buckets).
   */
  grantProjectRole(role: string, condition?: ProjectIamMemberCondition): ProjectIamMember {
    if (FORBIDDEN_ROLES.has(role) || !role.startsWith("roles/")) {
      throw new ConstructError(
        "BPE_GCP_12",
        this.node.path,
        `refusing to grant "${role}" to ${this.plannedEmail}: grant a narrower predefined role`,
      );
    }
    const grant = new ProjectIamMember(this, `role-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, {
      provider: this.provider,
      project: this.project,
      role,
      member: this.member,
      condition,
    });
    this.grants.push(grant);
    return grant;
  }
}

/** The workload's service accounts of one environment, by what runs (or builds) as them. */
export type GcpWorkloadAccountKind = "functionRuntime" | "functionBuild" | "containerRuntime";

/**
 * Resource collections an IAM name condition can restrict, and the segment before the id in a resource name.
 * Cloud Run services accept conditional role bindings
 * (https://cloud.google.com/iam/help/conditions/resource-policies, "Cloud Run: Services") and are named
 * `projects/PROJECT/locations/LOCATION/services/SERVICE` (https://cloud.google.com/iam/docs/conditions-resource-attributes).
 */
export const GCP_NAMED_COLLECTIONS = {
  serviceAccounts: "serviceAccounts",
  secrets: "secrets",
  buckets: "buckets",
  services: "services",
} as const;
export type GcpCollection = keyof typeof GCP_NAMED_COLLECTIONS;

/**
 * IAM condition: the role applies to the project itself (create, list) and,
 * of `collection`, only to resources named `<prefix>...` (what lib/gcp names
 * `<service>-<env>-...`), or named exactly one of `names` (the operator's
 * secrets keep the names of `ServiceSpec.secretNames`). Other environments'
 * resources and the CI accounts (`ci-...`) are out of reach.
 */
export function gcpNameCondition(collection: GcpCollection, prefix: string, names: readonly string[] = []): string {
  const segment = GCP_NAMED_COLLECTIONS[collection];
  return [
    'resource.type == "cloudresourcemanager.googleapis.com/Project"',
    `resource.name.extract("/${segment}/{name}").startsWith("${prefix}")`,
    // A version's name goes on after the secret's id: `.../secrets/<id>/versions/latest`.
    ...names.map(
      (name) =>
        `resource.name.endsWith("/${segment}/${name}") || resource.name.extract("/${segment}/{name}/") == "${name}"`,
    ),
  ].join(" || ");
}

export interface GcpWorkloadAccount {
  /** Account id (6-30 characters). */
  readonly accountId: string;
  readonly displayName: string;
  /** Predefined roles it holds on the project (granted by bootstrap). */
  readonly projectRoles: readonly string[];
  /**
   * Predefined roles it holds on the environment's own resources of a
   * collection only (granted by bootstrap under `gcpNameCondition`): the
   * environment stack grants nothing, so its deploy account needs no
   * `setIamPolicy` on a secret or a bucket.
   */
  readonly resourceRoles: Readonly<Record<string, GcpCollection>>;
}

/** Every workload account of `<service>-<env>`, whether or not a target of the stack uses it. */
export function gcpWorkloadAccounts(names: NameSource): Readonly<Record<GcpWorkloadAccountKind, GcpWorkloadAccount>> {
  const what = `${names.service} ${names.environment}`;
  return {
    functionRuntime: {
      accountId: serviceAccountId(names, "fn"),
      displayName: `${what} function (runtime)`,
      projectRoles: [],
      // The secrets it reads: the origin secret the stack stores, and the operator's.
      resourceRoles: { "roles/secretmanager.secretAccessor": "secrets" },
    },
    functionBuild: {
      accountId: serviceAccountId(names, "fn-build"),
      displayName: `${what} function (build)`,
      // Google's role for a custom function build account: build logs, built images, source reads.
      projectRoles: ["roles/run.builder"],
      // The function's source zip, in the environment's source bucket.
      resourceRoles: { "roles/storage.objectViewer": "buckets" },
    },
    containerRuntime: {
      accountId: serviceAccountId(names, "run"),
      displayName: `${what} container (runtime)`,
      projectRoles: [],
      resourceRoles: { "roles/secretmanager.secretAccessor": "secrets" },
    },
  };
}

/** An account bootstrap made, as a target uses it: known at synth time, no data source. */
export interface WorkloadAccountReference {
  readonly email: string;
  /** `serviceAccount:<email>`, for IAM members. */
  readonly member: string;
  /** `projects/<project>/serviceAccounts/<email>`, for `build_config.service_account`. */
  readonly id: string;
}

/** The reference to workload account `account` in `project`. */
export function workloadAccount(
  project: string,
  account: Pick<GcpWorkloadAccount, "accountId">,
): WorkloadAccountReference {
  const email = `${account.accountId}@${project}.iam.gserviceaccount.com`;
  return { email, member: `serviceAccount:${email}`, id: `projects/${project}/serviceAccounts/${email}` };
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
