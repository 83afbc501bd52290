/**
 * GCP side of the GitLab trust, one construct per GCP project: a workload
 * identity pool with an OIDC provider for `https://<host>` that accepts only
 * this project's id_tokens, and per environment in that project a plan and a
 * deploy service account that only the pool's identities can impersonate.
 *
 * GCP can check every claim, so it checks the most:
 * - provider `allowed_audiences`: the audiences of the project's identities
 *   (`audience()` in lib/identity.ts), one per environment and purpose;
 * - provider `attribute_condition`: `project_id` and `project_path` both equal
 *   this project (the id cannot be reused after a rename or transfer), and
 *   the token's audience comes with the claims its identity requires
 *   (`requiredClaims`: for deploy, the protected default branch, that GitLab
 *   environment, its `deployment_tier`, and `environment_protected` when
 *   GitLab protects environments);
 * - each account: `roles/iam.workloadIdentityUser` for
 *   `principalSet://.../attribute.aud/<its audience>` only.
 *
 * Roles: nothing owner-like project-wide. Roles that could reach other
 * environments or the CI accounts (service accounts, secrets, buckets) are
 * granted under an IAM condition on the resource name, `<service>-<env>-...`
 * (`gcpNameCondition`); project IAM only for the roles the workload grants.
 * - plan: per-service viewer roles (never `roles/viewer`), and object,
 *   bucket and secret reads of the environment's own buckets and secrets
 *   (a plan refreshes the function's source object and the origin secret).
 * - deploy: `GCP_ROLES.deploy` (the products lib/gcp manages; no Artifact
 *   Registry role: bootstrap makes the repository), the
 *   conditioned `GCP_SCOPED_ROLES.deploy` (`iam.serviceAccountUser` on the
 *   environment's workload accounts, which bootstrap makes with their
 *   grants, lib/bootstrap/workload/gcp.ts), and custom roles of what the
 *   stack's functions, services, secrets and buckets call
 *   (`GCP_DEPLOY_CUSTOM_ROLES`, secrets and buckets on the environment's own only).
 *   No IAM administration: no project IAM, no service account admin (its
 *   setIamPolicy would let a deploy grant `tokenCreator` on a workload
 *   account to anyone), no setIamPolicy on a secret, a bucket or a function;
 *   Cloud Run's alone remains, for the public invoker, on the environment's
 *   own services only.
 * - publish: `roles/artifactregistry.writer` under an IAM condition that
 *   holds for the environment's own repository (`repositoryId`) and what is
 *   in it only (`gcpRepositoryCondition`); nothing else.
 */
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";
import { GCP_NAMED_COLLECTIONS, type GcpCollection, gcpNameCondition } from "../gcp/identity";
import { repositoryId } from "../gcp/naming";
import { GCP_PERMISSIONS, gcpRoleGrant } from "../gcp/permissions";
import { audience, IDENTITY_PURPOSES, type IdentityPurpose, requiredClaims, type TrustScope } from "../identity";
import type { Grant } from "../permissions/coverage";
import { type EnvironmentTrust, type GitlabOidc, issuerUrl, trustScope } from "./gitlab-oidc";
import { GcpWorkloadIdentities } from "./workload/gcp";

export { GCP_NAMED_COLLECTIONS, type GcpCollection, gcpNameCondition };

/** Project-wide roles per purpose: one product each, none that reaches IAM, secrets or storage. */
export const GCP_ROLES: Readonly<Record<IdentityPurpose, readonly string[]>> = {
  plan: [
    // No Artifact Registry role: the repository is bootstrap's, so no plan refreshes it.
    // Also holds run.services.get and serviceusage.services.get/list: no run.viewer or serviceUsageViewer besides.
    "roles/cloudfunctions.viewer",
    "roles/logging.viewer",
    // Alert policies, channels, uptime checks, services, SLOs and dashboards: refresh reads them.
    "roles/monitoring.viewer",
    "roles/secretmanager.viewer",
  ],
  deploy: [
    // No Artifact Registry role: bootstrap makes the repository (lib/bootstrap/registries/gcp.ts), publish writes to it.
    // No roles/cloudfunctions.admin nor run.admin: they hold setIamPolicy on functions, services, jobs and Eventarc;
    // the custom serving role (`GCP_DEPLOY_CUSTOM_ROLES`) holds what the stack's functions and services call.
    "roles/logging.configWriter",
    // One narrow role per Cloud Monitoring resource the stack creates (lib/gcp/monitoring.ts), not monitoring.editor:
    // alert policies, dashboards, notification channels, services and their SLOs, uptime checks.
    "roles/monitoring.alertPolicyEditor",
    "roles/monitoring.dashboardEditor",
    "roles/monitoring.notificationChannelEditor",
    "roles/monitoring.servicesEditor",
    "roles/monitoring.uptimeCheckConfigEditor",
    "roles/serviceusage.serviceUsageAdmin",
  ],
  publish: [],
};

/** The publish account's one role, on the environment's repository only (`gcpRepositoryCondition`). */
export const GCP_PUBLISH_ROLE = "roles/artifactregistry.writer";

/**
 * IAM condition: the repository `repository` (in any location of the
 * project) and the images, tags and versions in it, nothing else.
 */
export function gcpRepositoryCondition(repository: string): string {
  return `resource.name.endsWith("/repositories/${repository}") || resource.name.extract("/repositories/{name}/") == "${repository}"`;
}

/** Roles granted only on the environment's own resources of one collection, per purpose. */
export const GCP_SCOPED_ROLES: Readonly<Record<IdentityPurpose, Readonly<Record<string, GcpCollection>>>> = {
  plan: {
    "roles/secretmanager.secretAccessor": "secrets",
    "roles/storage.bucketViewer": "buckets",
    "roles/storage.objectViewer": "buckets",
  },
  // Secrets and buckets: the custom roles of `GCP_DEPLOY_CUSTOM_ROLES`, never secretmanager.admin or storage.admin.
  deploy: {
    "roles/iam.serviceAccountUser": "serviceAccounts",
  },
  publish: {},
};

/** Refresh and writes of `types`, as `GCP_PERMISSIONS` lists them, less `actAs` (`iam.serviceAccountUser` holds it). */
function stackPermissions(types: readonly string[], extra: readonly string[] = []): readonly string[] {
  // A type missing from the map adds nothing, and the coverage test then names what the role lacks.
  const permissions = types.flatMap((type) => [
    ...(GCP_PERMISSIONS[type]?.plan ?? []),
    ...(GCP_PERMISSIONS[type]?.deploy ?? []),
  ]);
  return [...new Set([...permissions, ...extra])].filter((p) => p !== "iam.serviceAccounts.actAs").sort();
}

/** A custom role of the deploy account: its permissions and, when scoped, the collection its name condition reaches. */
export interface GcpDeployCustomRole {
  readonly title: string;
  readonly permissions: readonly string[];
  /** @default - project-wide */
  readonly collection?: GcpCollection;
}

/**
 * The deploy account's custom roles, in place of the predefined admin roles
 * that hold `setIamPolicy` (`secretmanager.admin`, `storage.admin`,
 * `cloudfunctions.admin`): exactly what the environment stack's resource
 * types call (`GCP_PERMISSIONS`), so a deploy can make and change them but
 * grant no one a role on a secret, a bucket or a function. The grants the
 * workload needs on them are bootstrap's (lib/bootstrap/workload/gcp.ts).
 * One `setIamPolicy` remains: `run.services.setIamPolicy`, for the public
 * `run.invoker` of `publicInvoker` (disabling the invoker check needs it too:
 * https://cloud.google.com/run/docs/authenticating/public, "Required roles"),
 * in a role of its own (`invoker`) granted on the environment's own Cloud Run
 * services only (a 2nd gen function's service bears the function's name), so
 * a deploy job grants nothing on another environment's services
 * (docs/bootstrap.md, residual risks).
 */
export const GCP_DEPLOY_CUSTOM_ROLES: Readonly<
  Record<"serving" | "invoker" | "secrets" | "buckets", GcpDeployCustomRole>
> = {
  serving: {
    title: "GitLab CI deploy: functions and Cloud Run services",
    permissions: stackPermissions(
      ["google_cloudfunctions2_function", "google_cloud_run_v2_service"],
      // The provider polls each create, update and delete's long-running operation until it ends.
      ["cloudfunctions.operations.get", "run.operations.get"],
    ),
  },
  invoker: {
    title: "GitLab CI deploy: the public invoker of the environment's services",
    permissions: stackPermissions(["google_cloud_run_v2_service_iam_member"]),
    collection: "services",
  },
  secrets: {
    title: "GitLab CI deploy: the environment's secrets",
    permissions: stackPermissions(["google_secret_manager_secret", "google_secret_manager_secret_version"]),
    collection: "secrets",
  },
  buckets: {
    title: "GitLab CI deploy: the environment's buckets",
    permissions: stackPermissions(["google_storage_bucket", "google_storage_bucket_object"]),
    collection: "buckets",
  },
};

/** Id of custom deploy role `key` in a project (3-64 of letters, digits, `_`, `.`). */
export function gcpDeployRoleId(service: string, key: keyof typeof GCP_DEPLOY_CUSTOM_ROLES): string {
  return `ciDeploy${key[0].toUpperCase()}${key.slice(1)}_${service.replace(/[^A-Za-z0-9]/g, "_")}`.slice(0, 64);
}

/**
 * Every role an environment's identity of `purpose` holds, project-wide or
 * under a name condition, as the permissions Google documents for it
 * (lib/gcp/permissions.ts): what the permission coverage check reads.
 */
export function gcpIdentityGrants(purpose: IdentityPurpose): Grant[] {
  const roles = [
    ...GCP_ROLES[purpose],
    ...Object.keys(GCP_SCOPED_ROLES[purpose]),
    ...(purpose === "publish" ? [GCP_PUBLISH_ROLE] : []),
  ];
  const custom: Grant[] =
    purpose === "deploy"
      ? Object.entries(GCP_DEPLOY_CUSTOM_ROLES).map(([key, role]) => ({
          name: `ciDeploy ${key} (custom)`,
          statements: [{ allow: role.permissions }],
        }))
      : [];
  return [...roles.map(gcpRoleGrant), ...custom];
}

/** APIs the token exchange and impersonation need in every project with a pool. */
export const GCP_TRUST_APIS = [
  "cloudresourcemanager.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "sts.googleapis.com",
] as const;

/** Longest start of a name lib/gcp always keeps whole (service account ids: 30 characters, the last 7 a hash). */
export const GCP_MAX_NAME_PREFIX = 23;

/** Longest start of a Cloud Run service's name lib/gcp keeps whole (`runServiceName`: 49 characters, the last 7 a hash). */
export const GCP_MAX_SERVICE_PREFIX = 42;

/**
 * The start of every name lib/gcp gives the environment's resources of
 * `collection` (`<service>-<env>-`), cut where lib/gcp cuts a long name:
 * what the environment's name conditions compare with.
 */
export function gcpOwnPrefix(service: string, environment: string, collection: GcpCollection): string {
  const prefix = `${service}-${environment}-`;
  if (collection === "serviceAccounts") return prefix.slice(0, GCP_MAX_NAME_PREFIX);
  if (collection === "services") return prefix.slice(0, GCP_MAX_SERVICE_PREFIX);
  return prefix;
}

/** GCP's limit on an attribute condition. */
export const MAX_ATTRIBUTE_CONDITION = 4096;

/** The provider's attribute mapping. A claim a job does not carry (`environment` outside deployments) maps to `-`. */
export function gcpAttributeMapping(): Record<string, string> {
  const environment = 'has(assertion.environment) ? assertion.environment : "-"';
  return {
    // google.subject is limited to 127 bytes; a `sub` with a long branch name would not fit, ids always do.
    "google.subject": '"project_id:" + assertion.project_id + ":job_id:" + assertion.job_id',
    "attribute.aud": "assertion.aud",
    "attribute.project_id": "assertion.project_id",
    "attribute.project_path": "assertion.project_path",
    "attribute.ref": "assertion.ref",
    "attribute.ref_type": "assertion.ref_type",
    "attribute.ref_protected": "string(assertion.ref_protected)",
    "attribute.environment": environment,
  };
}

/** `assertion.aud` is the audience of `scope`, and every claim `scope` requires has its value. */
export function gcpScopeCondition(scope: TrustScope): string {
  const claims = Object.entries(requiredClaims(scope)).map(
    // string(): GitLab documents ref_protected and environment_protected as "true"/"false"; a boolean reads the same.
    ([claim, value]) => `has(assertion.${claim}) && string(assertion.${claim}) == "${value}"`,
  );
  return [`assertion.aud == "${audience("gcp", scope.environment, scope.purpose)}"`, ...claims].join(" && ");
}

/** The provider's attribute condition: this GitLab project, by id and by path, and one of `scopes`. */
export function gcpAttributeCondition(gitlab: GitlabOidc, scopes: readonly TrustScope[]): string {
  const project = `assertion.project_id == "${gitlab.projectId}" && assertion.project_path == "${gitlab.projectPath}"`;
  const condition = `${project} && (${scopes.map((scope) => `(${gcpScopeCondition(scope)})`).join(" || ")})`;
  if (condition.length > MAX_ATTRIBUTE_CONDITION) {
    throw new ConstructError(
      "BPE_BOOTSTRAP_1",
      undefined,
      `bootstrap: the GCP attribute condition of ${scopes.map((s) => `${s.environment}/${s.purpose}`).join(", ")} is ${condition.length} characters (GCP allows ${MAX_ATTRIBUTE_CONDITION}); put fewer environments in one GCP project`,
    );
  }
  return condition;
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
  readonly environments: readonly EnvironmentTrust[];
  /** ServiceSpec name: the environment's resources are named `<service>-<env>-...`. */
  readonly service: string;
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
  /** The workload accounts of each environment (lib/bootstrap/workload/gcp.ts). */
  readonly workloads: ReadonlyMap<string, GcpWorkloadIdentities>;

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
      attributeCondition: gcpAttributeCondition(
        gitlab,
        props.environments.flatMap((env) => IDENTITY_PURPOSES.map((purpose) => trustScope(gitlab, env, purpose))),
      ),
      oidc: {
        issuerUri: issuerUrl(gitlab),
        allowedAudiences: props.environments.flatMap((env) =>
          IDENTITY_PURPOSES.map((purpose) => audience("gcp", env.name, purpose)),
        ),
      },
    });

    const deployRoles = Object.fromEntries(
      Object.entries(GCP_DEPLOY_CUSTOM_ROLES).map(([key, role]) => [
        key,
        new ProjectIamCustomRole(this, `deploy-${key}-role`, {
          provider: this.provider,
          project,
          roleId: gcpDeployRoleId(props.service, key as keyof typeof GCP_DEPLOY_CUSTOM_ROLES),
          title: role.title,
          description:
            "What the environment stacks' resources call, and no setIamPolicy but its own Cloud Run services' (bootstrap stack)",
          permissions: [...role.permissions],
          stage: "GA",
        }),
      ]),
    ) as Record<keyof typeof GCP_DEPLOY_CUSTOM_ROLES, ProjectIamCustomRole>;

    const accounts = new Map<string, Record<IdentityPurpose, ServiceAccount>>();
    const workloads = new Map<string, GcpWorkloadIdentities>();
    for (const env of props.environments) {
      const environment = env.name;
      workloads.set(
        environment,
        new GcpWorkloadIdentities(this, `${environment}-workload`, {
          provider: this.provider,
          project,
          service: props.service,
          environment,
          dependsOn: apis,
        }),
      );
      // lib/gcp cuts long account ids and service names (the last 7 a hash): only the start of the prefix survives.
      const prefixOf = (collection: GcpCollection) => gcpOwnPrefix(props.service, environment, collection);
      const ownOnly = (collection: GcpCollection) => ({
        title: `${environment}-${collection}-only`,
        description: `Only ${collection} named ${prefixOf(collection)}... (and the project itself)`,
        expression: gcpNameCondition(collection, prefixOf(collection)),
      });
      const byPurpose = {} as Record<IdentityPurpose, ServiceAccount>;
      for (const purpose of IDENTITY_PURPOSES) {
        const id = `${environment}-${purpose}`;
        const account = new ServiceAccount(this, `${id}-account`, {
          provider: this.provider,
          project,
          accountId: gcpServiceAccountId(environment, purpose),
          displayName: `GitLab CI ${purpose} (${environment})`,
          description: `Impersonated by ${gitlab.projectPath} through the ${this.pool.workloadIdentityPoolId} pool`,
          dependsOn: apis,
        });
        new ServiceAccountIamMember(this, `${id}-federation`, {
          provider: this.provider,
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: `principalSet://iam.googleapis.com/${this.pool.name}/attribute.aud/${audience("gcp", environment, purpose)}`,
        });
        const logicalId = (role: string) => `${id}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`;
        for (const role of GCP_ROLES[purpose]) {
          new ProjectIamMember(this, logicalId(role), {
            provider: this.provider,
            project,
            role,
            member: account.member,
          });
        }
        for (const [role, collection] of Object.entries(GCP_SCOPED_ROLES[purpose])) {
          new ProjectIamMember(this, logicalId(role), {
            provider: this.provider,
            project,
            role,
            member: account.member,
            condition: ownOnly(collection),
          });
        }
        if (purpose === "deploy") {
          for (const [key, role] of Object.entries(GCP_DEPLOY_CUSTOM_ROLES)) {
            const { collection } = role;
            new ProjectIamMember(this, `${id}-custom-${key}`, {
              provider: this.provider,
              project,
              role: deployRoles[key as keyof typeof GCP_DEPLOY_CUSTOM_ROLES].name,
              member: account.member,
              condition: collection === undefined ? undefined : ownOnly(collection),
            });
          }
        }
        if (purpose === "publish") {
          const repository = repositoryId({ service: props.service, environment });
          new ProjectIamMember(this, logicalId(GCP_PUBLISH_ROLE), {
            provider: this.provider,
            project,
            role: GCP_PUBLISH_ROLE,
            member: account.member,
            condition: {
              title: `${environment}-repository-only`,
              description: `Only the repository ${repository} and its images`,
              expression: gcpRepositoryCondition(repository),
            },
          });
        }
        byPurpose[purpose] = account;
      }
      accounts.set(environment, byPurpose);
    }
    this.serviceAccounts = accounts;
    this.workloads = workloads;
  }
}
