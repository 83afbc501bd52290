/**
 * Cases for the GCP rules added against insecure mutations (issue #26):
 * bucket ACLs for the public, admin conditions widened to owner-like roles
 * or made always true, trust conditions loosened, plan accounts reading secrets.
 */
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { Cloudfunctions2Function } from "@cdktf/provider-google/lib/cloudfunctions2-function";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketAccessControl } from "@cdktf/provider-google/lib/storage-bucket-access-control";
import { StorageBucketAcl } from "@cdktf/provider-google/lib/storage-bucket-acl";
import { StorageDefaultObjectAccessControl } from "@cdktf/provider-google/lib/storage-default-object-access-control";
import type { TerraformStack } from "cdktf";
import { audience } from "../../../lib/identity";
import { FIXTURE_SERVICE } from "../../helpers/environments";
import type { RuleCase } from "./types";

const grant = (role: string, expression?: string) => (s: TerraformStack) =>
  new ProjectIamMember(s, "subject", {
    project: "p",
    role,
    // The fixtures' own service: no company's CI identity (the company-values lint).
    member: `serviceAccount:ci-${FIXTURE_SERVICE.name}-deploy@p.iam.gserviceaccount.com`,
    ...(expression === undefined ? {} : { condition: { title: "c", expression } }),
  });
const grantable = (...roles: string[]) =>
  `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${roles.map((r) => `'${r}'`).join(", ")}])`;

/** A CI service account impersonated for `purpose` (its federation names the audience). */
function ciAccount(s: TerraformStack, purpose: "plan" | "deploy"): string {
  const account = new ServiceAccount(s, "account", { accountId: "ci-account" });
  new ServiceAccountIamMember(s, "federation", {
    serviceAccountId: account.name,
    role: "roles/iam.workloadIdentityUser",
    member: `principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gitlab/attribute.aud/${audience("gcp", "test", purpose)}`,
  });
  return account.member;
}
const ownSecrets = 'resource.name.extract("/secrets/{name}").startsWith("svc-test-")';
const ownServices = 'resource.name.extract("/services/{name}").startsWith("svc-test-")';
const ciGrant = (purpose: "plan" | "deploy", role: string, expression?: string) => (s: TerraformStack) =>
  new ProjectIamMember(s, "subject", {
    project: "p",
    role,
    member: ciAccount(s, purpose),
    ...(expression === undefined ? {} : { condition: { title: "c", expression } }),
  });

/** A grant on a Cloud Run service, as an environment stack would make it (`service` its name, a reference or not). */
const invoker =
  (role: string, member: string, service: (s: TerraformStack) => string = (s) => ownService(s)) =>
  (s: TerraformStack) =>
    new CloudRunV2ServiceIamMember(s, "subject", {
      project: "p",
      location: "europe-west1",
      name: service(s),
      role,
      member,
    });
const ownService = (s: TerraformStack) =>
  new CloudRunV2Service(s, "service", {
    name: "svc-test-run",
    location: "europe-west1",
    template: { containers: [{ image: "europe-docker.pkg.dev/p/images/svc:1" }] },
  }).name;
const ownFunctionService = (s: TerraformStack) =>
  new Cloudfunctions2Function(s, "function", { name: "svc-test-fn", location: "europe-west1" }).serviceConfig.service;

/** The deploy account bound to a custom role of `permissions` (bootstrap's shape for its custom deploy roles). */
const customGrant = (permissions: string[], expression?: string) => (s: TerraformStack) => {
  const role = new ProjectIamCustomRole(s, "role", {
    project: "p",
    roleId: "ciDeployTest",
    title: "t",
    permissions,
  });
  return ciGrant("deploy", role.name, expression)(s);
};

const CONDITION =
  'assertion.project_id == "1" && ((assertion.aud == "AUD_PLAN") || (assertion.aud == "AUD_DEPLOY" && string(assertion.ref_protected) == "true"))'
    .replace("AUD_PLAN", audience("gcp", "test", "plan"))
    .replace("AUD_DEPLOY", audience("gcp", "test", "deploy"));
const poolProvider = (attributeCondition: string) => (s: TerraformStack) =>
  new IamWorkloadIdentityPoolProvider(s, "subject", {
    workloadIdentityPoolId: "gitlab-ci",
    workloadIdentityPoolProviderId: "gitlab",
    attributeMapping: { "google.subject": "assertion.sub" },
    attributeCondition,
    oidc: {
      issuerUri: "https://gitlab.com",
      allowedAudiences: [audience("gcp", "test", "plan"), audience("gcp", "test", "deploy")],
    },
  });

export const gcpHardeningCases: RuleCase[] = [
  {
    rule: "BP_GCP_8",
    fail: [
      (s) => new StorageBucketAcl(s, "subject", { bucket: "b", roleEntity: ["READER:allUsers"] }),
      (s) =>
        new StorageBucketAccessControl(s, "subject", { bucket: "b", entity: "allAuthenticatedUsers", role: "READER" }),
      (s) => new StorageDefaultObjectAccessControl(s, "subject", { bucket: "b", entity: "allUsers", role: "READER" }),
    ],
    pass: [
      (s) => new StorageBucketAcl(s, "subject", { bucket: "b", roleEntity: ["OWNER:project-owners-1"] }),
      (s) =>
        new StorageBucketAccessControl(s, "subject", {
          bucket: "b",
          entity: "user-ci@p.iam.gserviceaccount.com",
          role: "READER",
        }),
    ],
  },
  {
    rule: "BP_GCP_9",
    fail: [
      grant("roles/resourcemanager.projectIamAdmin", grantable("roles/run.builder", "roles/owner")),
      grant("roles/resourcemanager.projectIamAdmin", grantable("roles/iam.serviceAccountTokenCreator")),
      grant("roles/resourcemanager.projectIamAdmin", 'resource.type == "cloudresourcemanager.googleapis.com/Project"'),
      grant("roles/storage.admin", "true"),
      grant("roles/secretmanager.admin", 'request.time < timestamp("2099-01-01T00:00:00Z")'),
    ],
    pass: [
      grant("roles/resourcemanager.projectIamAdmin", grantable("roles/run.builder")),
      grant("roles/storage.admin", 'resource.name.extract("/buckets/{name}").startsWith("svc-test-")'),
    ],
  },
  {
    rule: "BP_GCP_6",
    fail: [
      // Loosened: any project's tokens; deploy tokens from unprotected refs.
      poolProvider(CONDITION.replace('assertion.project_id == "1" && ', "")),
      poolProvider(CONDITION.replace(' && string(assertion.ref_protected) == "true"', "")),
    ],
    pass: poolProvider(CONDITION),
  },
  {
    rule: "BP_GCP_10",
    fail: [
      ciGrant("plan", "roles/secretmanager.secretAccessor"),
      ciGrant("plan", "roles/secretmanager.admin", ownSecrets),
      ciGrant("plan", "roles/iam.serviceAccountTokenCreator"),
      (s) =>
        new SecretManagerSecretIamMember(s, "subject", {
          secretId: "svc-prod-origin",
          role: "roles/secretmanager.secretAccessor",
          member: ciAccount(s, "plan"),
        }),
    ],
    pass: [
      ciGrant("plan", "roles/secretmanager.secretAccessor", ownSecrets),
      ciGrant("plan", "roles/secretmanager.viewer"),
      ciGrant("deploy", "roles/secretmanager.secretAccessor"),
    ],
  },
  {
    rule: "BP_GCP_11",
    fail: [
      // The issue's escapes: grant run.builder to anyone (project IAM), tokenCreator on a workload account (SA admin).
      ciGrant(
        "deploy",
        "roles/resourcemanager.projectIamAdmin",
        "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/run.builder'])",
      ),
      ciGrant(
        "deploy",
        "roles/iam.serviceAccountAdmin",
        'resource.name.extract("/serviceAccounts/{name}").startsWith("svc-test-")',
      ),
      ciGrant("deploy", "roles/iam.serviceAccountTokenCreator"),
      ciGrant("plan", "roles/iam.securityAdmin"),
      // Sharing the environment's data: setIamPolicy on its own secrets or buckets, on functions, on Cloud Run.
      ciGrant("deploy", "roles/secretmanager.admin", ownSecrets),
      ciGrant("deploy", "roles/storage.admin", 'resource.name.extract("/buckets/{name}").startsWith("svc-test-")'),
      ciGrant("deploy", "roles/cloudfunctions.admin"),
      ciGrant("deploy", "roles/run.admin"),
      // The same through a custom role: a secret's IAM, or making a key for an account.
      customGrant(["secretmanager.secrets.create", "secretmanager.secrets.setIamPolicy"], ownSecrets),
      customGrant(["storage.buckets.create", "storage.buckets.setIamPolicy"]),
      customGrant(["iam.serviceAccountKeys.create"]),
      // Cloud Run's setIamPolicy on every service of the project: another environment's among them.
      customGrant(["run.services.create", "run.services.getIamPolicy", "run.services.setIamPolicy"]),
      customGrant(["run.services.setIamPolicy"], ownSecrets),
    ],
    pass: [
      ciGrant(
        "deploy",
        "roles/iam.serviceAccountUser",
        'resource.name.extract("/serviceAccounts/{name}").startsWith("svc-test-")',
      ),
      // Bootstrap's custom deploy roles: what the stack's resources call, and Cloud Run's setIamPolicy on its own services.
      customGrant(["secretmanager.secrets.create", "secretmanager.versions.add"], ownSecrets),
      customGrant(["run.services.create", "run.services.get"]),
      customGrant(["run.services.getIamPolicy", "run.services.setIamPolicy"], ownServices),
      // A workload's build account with its one project role, as bootstrap grants it.
      (s) =>
        new ProjectIamMember(s, "subject", {
          project: "p",
          role: "roles/run.builder",
          member: "serviceAccount:svc-test-fn-build@p.iam.gserviceaccount.com",
        }),
    ],
  },
  {
    rule: "BP_GCP_12",
    fail: [
      // An environment stack granting anything but the public invoker on its own services.
      grant("roles/run.builder"),
      (s) =>
        new SecretManagerSecretIamMember(s, "subject", {
          secretId: "svc-test-origin",
          role: "roles/secretmanager.secretAccessor",
          member: "user:someone@outside.test",
        }),
      invoker("roles/run.invoker", "user:someone@outside.test"),
      invoker("roles/run.admin", "allUsers"),
      // Another environment's service, named outright.
      invoker("roles/run.invoker", "allUsers", () => "svc-prod-run"),
    ],
    pass: [
      invoker("roles/run.invoker", "allUsers"),
      invoker("roles/run.invoker", "allUsers", ownFunctionService),
      // The bootstrap stack (it holds the pool) makes the grants.
      (s) => {
        new IamWorkloadIdentityPool(s, "pool", { workloadIdentityPoolId: "gitlab" });
        grant("roles/run.builder")(s);
      },
    ],
  },
];
