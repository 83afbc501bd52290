/**
 * GCP side of the GitLab trust, one construct per GCP project: a workload
 * identity pool with an OIDC provider for `https://<host>` that accepts only
 * this project's id_tokens, and per environment in that project a plan and a
 * deploy service account that only the pool's identities can impersonate.
 *
 * GCP can check every claim, so it checks the most:
 * - provider `attribute_condition`: `project_id` and `project_path` both equal
 *   this project (the id cannot be reused after a rename or transfer);
 * - plan account: `roles/iam.workloadIdentityUser` for
 *   `principalSet://.../attribute.project_id/<id>` (any job of the project);
 * - deploy account: the same role for
 *   `principalSet://.../attribute.deploy_scope/branch:<default>:true:<env>`,
 *   where `deploy_scope` is mapped from `ref_type`, `ref`, `ref_protected` and
 *   `environment` (`deployClaims` in ci/identity.ts): only a job of the
 *   protected default branch deploying to that GitLab environment.
 *
 * Roles:
 * - plan: `roles/viewer`, `roles/storage.objectViewer` (the function's
 *   source object is refreshed on every plan) and
 *   `roles/secretmanager.secretAccessor` (so is the origin secret's version;
 *   the state plan jobs read holds the same value).
 * - deploy: `GCP_DEPLOY_ROLES` (the products lib/gcp manages), plus
 *   `roles/resourcemanager.projectIamAdmin` under a condition that lets it
 *   grant only `GCP_GRANTABLE_ROLES`. Never owner or editor.
 */
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { Construct } from "constructs";
import { deployClaims, ID_TOKENS, IDENTITY_PURPOSES, type IdentityPurpose } from "../../ci/identity";
import type { GitlabOidc } from "./gitlab-oidc";
import { issuerUrl } from "./gitlab-oidc";

/** Project roles per purpose. */
export const GCP_ROLES: Readonly<Record<IdentityPurpose, readonly string[]>> = {
  plan: ["roles/viewer", "roles/storage.objectViewer", "roles/secretmanager.secretAccessor"],
  deploy: [
    "roles/artifactregistry.admin",
    "roles/cloudfunctions.admin",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",
    "roles/logging.configWriter",
    "roles/run.admin",
    "roles/secretmanager.admin",
    "roles/serviceusage.serviceUsageAdmin",
    "roles/storage.admin",
  ],
};

/** Project-level roles the workload stack grants to its own service accounts (lib/gcp: the function's build account). */
export const GCP_GRANTABLE_ROLES = ["roles/run.builder"] as const;

/** APIs the token exchange and impersonation need in every project with a pool. */
export const GCP_TRUST_APIS = [
  "cloudresourcemanager.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "sts.googleapis.com",
] as const;

/** Attribute that joins the claims a deploy identity requires into one value a principalSet can name. */
export const DEPLOY_SCOPE_ATTRIBUTE = "deploy_scope";

/**
 * The provider's attribute mapping. `environment` is only present in jobs
 * with an `environment:`; a missing claim maps to `-`, which no environment
 * name can be.
 */
export function gcpAttributeMapping(): Record<string, string> {
  const environment = 'has(assertion.environment) ? assertion.environment : "-"';
  return {
    // google.subject is limited to 127 bytes; a `sub` with a long branch name would not fit, ids always do.
    "google.subject": '"project_id:" + assertion.project_id + ":job_id:" + assertion.job_id',
    "attribute.project_id": "assertion.project_id",
    "attribute.project_path": "assertion.project_path",
    "attribute.ref": "assertion.ref",
    "attribute.ref_type": "assertion.ref_type",
    "attribute.ref_protected": "assertion.ref_protected",
    "attribute.environment": environment,
    [`attribute.${DEPLOY_SCOPE_ATTRIBUTE}`]: `assertion.ref_type + ":" + assertion.ref + ":" + assertion.ref_protected + ":" + (${environment})`,
  };
}

/** The provider's attribute condition: this GitLab project, by id and by path. */
export function gcpAttributeCondition(gitlab: GitlabOidc): string {
  return `assertion.project_id == "${gitlab.projectId}" && assertion.project_path == "${gitlab.projectPath}"`;
}

/** The `deploy_scope` value of a job allowed to deploy `environment`: protected default branch, that environment. */
export function deployScope(defaultBranch: string, environment: string): string {
  const claims = deployClaims(environment);
  return [claims.ref_type, defaultBranch, claims.ref_protected, claims.environment].join(":");
}

/** Service account id of a CI identity, e.g. `ci-prod-deploy` (6-30 characters). */
export function gcpServiceAccountId(environment: string, purpose: IdentityPurpose): string {
  return `ci-${environment}-${purpose}`;
}

export interface GcpProjectTrustProps {
  readonly gitlab: GitlabOidc;
  readonly project: string;
  readonly region: string;
  /** Environments whose service accounts live in this project. */
  readonly environments: readonly string[];
  /** @default "gitlab-ci" */
  readonly poolId?: string;
  /** @default "gitlab" */
  readonly providerId?: string;
}

/** The pool, provider and CI service accounts of one GCP project. */
export class GcpProjectTrust extends Construct {
  readonly provider: GoogleProvider;
  readonly pool: IamWorkloadIdentityPool;
  readonly poolProvider: IamWorkloadIdentityPoolProvider;
  /** Service accounts by environment, then purpose. */
  readonly serviceAccounts: ReadonlyMap<string, Readonly<Record<IdentityPurpose, ServiceAccount>>>;

  constructor(scope: Construct, id: string, props: GcpProjectTrustProps) {
    super(scope, id);
    const { gitlab, project } = props;
    this.provider = new GoogleProvider(this, "provider", {
      alias: `project-${project}`,
      project,
      region: props.region,
    });
    const apis = GCP_TRUST_APIS.map(
      (api) =>
        new ProjectService(this, api.split(".")[0], {
          provider: this.provider,
          project,
          service: api,
          // Other workloads may use these APIs: destroying bootstrap leaves them on.
          disableOnDestroy: false,
        }),
    );
    this.pool = new IamWorkloadIdentityPool(this, "pool", {
      provider: this.provider,
      project,
      workloadIdentityPoolId: props.poolId ?? "gitlab-ci",
      displayName: "GitLab CI",
      description: `id_tokens of ${gitlab.projectPath} on ${gitlab.host}`,
      dependsOn: apis,
    });
    this.poolProvider = new IamWorkloadIdentityPoolProvider(this, "pool-provider", {
      provider: this.provider,
      project,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: props.providerId ?? "gitlab",
      displayName: gitlab.host.slice(0, 32),
      attributeMapping: gcpAttributeMapping(),
      attributeCondition: gcpAttributeCondition(gitlab),
      oidc: { issuerUri: issuerUrl(gitlab), allowedAudiences: [ID_TOKENS.gcp.audience] },
    });

    const accounts = new Map<string, Record<IdentityPurpose, ServiceAccount>>();
    for (const environment of props.environments) {
      const byPurpose = {} as Record<IdentityPurpose, ServiceAccount>;
      for (const purpose of IDENTITY_PURPOSES) {
        const prefix = `${environment}-${purpose}`;
        const account = new ServiceAccount(this, `${prefix}-account`, {
          provider: this.provider,
          project,
          accountId: gcpServiceAccountId(environment, purpose),
          displayName: `GitLab CI ${purpose} (${environment})`,
          description: `Impersonated by ${gitlab.projectPath} through the ${this.pool.workloadIdentityPoolId} pool`,
          dependsOn: apis,
        });
        const principals =
          purpose === "deploy"
            ? `attribute.${DEPLOY_SCOPE_ATTRIBUTE}/${deployScope(gitlab.defaultBranch, environment)}`
            : `attribute.project_id/${gitlab.projectId}`;
        new ServiceAccountIamMember(this, `${prefix}-federation`, {
          provider: this.provider,
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: `principalSet://iam.googleapis.com/${this.pool.name}/${principals}`,
        });
        for (const role of GCP_ROLES[purpose]) {
          new ProjectIamMember(this, `${prefix}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, {
            provider: this.provider,
            project,
            role,
            member: account.member,
          });
        }
        if (purpose === "deploy") {
          const grantable = GCP_GRANTABLE_ROLES.map((role) => `'${role}'`).join(", ");
          new ProjectIamMember(this, `${prefix}-project-iam-admin`, {
            provider: this.provider,
            project,
            role: "roles/resourcemanager.projectIamAdmin",
            member: account.member,
            condition: {
              title: "workload-roles-only",
              description: "May grant or revoke only the roles the workload stack grants",
              expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${grantable}])`,
            },
          });
        }
        byPurpose[purpose] = account;
      }
      accounts.set(environment, byPurpose);
    }
    this.serviceAccounts = accounts;
  }
}
