/**
 * Cases for the GCP rules added against insecure mutations (issue #26):
 * bucket ACLs for the public, admin conditions widened to owner-like roles
 * or made always true, trust conditions loosened, plan accounts reading secrets.
 */
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
const ciGrant = (purpose: "plan" | "deploy", role: string, expression?: string) => (s: TerraformStack) =>
  new ProjectIamMember(s, "subject", {
    project: "p",
    role,
    member: ciAccount(s, purpose),
    ...(expression === undefined ? {} : { condition: { title: "c", expression } }),
  });

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
    ],
    pass: [
      ciGrant(
        "deploy",
        "roles/iam.serviceAccountUser",
        'resource.name.extract("/serviceAccounts/{name}").startsWith("svc-test-")',
      ),
      // Bootstrap's custom deploy roles: what the stack's resources call, and Cloud Run's setIamPolicy alone.
      customGrant(["secretmanager.secrets.create", "secretmanager.versions.add"], ownSecrets),
      customGrant(["run.services.create", "run.services.getIamPolicy", "run.services.setIamPolicy"]),
      // A workload's build account with its one project role, as bootstrap grants it.
      (s) =>
        new ProjectIamMember(s, "subject", {
          project: "p",
          role: "roles/run.builder",
          member: "serviceAccount:svc-test-fn-build@p.iam.gserviceaccount.com",
        }),
    ],
  },
];
