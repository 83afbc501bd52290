import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { Cloudfunctions2Function } from "@cdktf/provider-google/lib/cloudfunctions2-function";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { ProjectIamBinding } from "@cdktf/provider-google/lib/project-iam-binding";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucket, type StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamBinding } from "@cdktf/provider-google/lib/storage-bucket-iam-binding";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import type { TerraformStack } from "cdktf";
import { audience } from "../../../lib/identity";
import type { RuleCase } from "./types";

const bucket = (patch: Partial<StorageBucketConfig> = {}): StorageBucketConfig => ({
  name: "b",
  location: "EU",
  uniformBucketLevelAccess: true,
  publicAccessPrevention: "enforced",
  ...patch,
});
const runtimeAccount = "serviceAccount:shop@blueprint-test-01.iam.gserviceaccount.com";
const defaultCompute = "serviceAccount:123456789012-compute@developer.gserviceaccount.com";
const serviceAccount = (s: TerraformStack) => new ServiceAccount(s, "runtime", { accountId: "shop-runtime" }).email;
const repository = { repository: "images", location: "europe-west1", role: "roles/artifactregistry.reader" };

const condition = { title: "c", expression: 'resource.name.startsWith("x")' };
const projectGrant =
  (role: string, withCondition = false) =>
  (s: TerraformStack) =>
    new ProjectIamMember(s, "subject", {
      project: "p",
      role,
      member: runtimeAccount,
      ...(withCondition ? { condition } : {}),
    });
const poolProvider = (patch: Record<string, unknown>) => (s: TerraformStack) =>
  new IamWorkloadIdentityPoolProvider(s, "subject", {
    workloadIdentityPoolId: "gitlab-ci",
    workloadIdentityPoolProviderId: "gitlab",
    attributeMapping: { "google.subject": "assertion.sub" },
    attributeCondition: 'assertion.project_id == "1"',
    oidc: { issuerUri: "https://gitlab.com", allowedAudiences: [audience("gcp", "test", "plan")] },
    ...patch,
  });
const federation = (member: string) => (s: TerraformStack) =>
  new ServiceAccountIamMember(s, "subject", {
    serviceAccountId: "projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com",
    role: "roles/iam.workloadIdentityUser",
    member,
  });
const pool = "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gitlab-ci";

export const gcpCases: RuleCase[] = [
  {
    rule: "CKV_GCP_49",
    fail: [projectGrant("roles/iam.serviceAccountUser"), projectGrant("roles/iam.serviceAccountTokenCreator")],
    pass: [projectGrant("roles/iam.serviceAccountUser", true), projectGrant("roles/run.developer")],
  },
  {
    rule: "BP_GCP_5",
    fail: [
      projectGrant("roles/resourcemanager.projectIamAdmin"),
      projectGrant("roles/iam.serviceAccountAdmin"),
      projectGrant("roles/storage.admin"),
    ],
    pass: [projectGrant("roles/resourcemanager.projectIamAdmin", true), projectGrant("roles/run.admin")],
  },
  {
    rule: "BP_GCP_6",
    fail: [
      poolProvider({ attributeCondition: undefined }),
      poolProvider({ oidc: { issuerUri: "https://gitlab.com" } }),
      poolProvider({ oidc: { issuerUri: "https://gitlab.com", allowedAudiences: ["gitlab-ci-workload-identity"] } }),
    ],
    pass: poolProvider({}),
  },
  {
    rule: "BP_GCP_7",
    fail: [federation(`${pool}/*`), federation(`${pool}/attribute.ref/*`)],
    pass: [federation(`${pool}/attribute.aud/${audience("gcp", "test", "deploy")}`), federation(runtimeAccount)],
  },
  {
    rule: "BP_GCP_1",
    fail: (s) => {
      const bare = new GoogleProvider(s, "bare", { project: "p", alias: "bare" });
      new StorageBucket(s, "subject", bucket({ provider: bare, labels: { environment: "test" } }));
    },
    pass: [
      (s) => new StorageBucket(s, "subject", bucket()),
      // No effective_labels: `labels` is not a label map here and default_labels do not apply.
      (s) => new ServiceAccount(s, "subject", { accountId: "shop-runtime" }),
    ],
  },
  {
    rule: "CKV_GCP_29",
    fail: (s) => new StorageBucket(s, "subject", bucket({ uniformBucketLevelAccess: undefined })),
    pass: (s) => new StorageBucket(s, "subject", bucket()),
  },
  {
    rule: "CKV_GCP_114",
    fail: [
      (s) => new StorageBucket(s, "subject", bucket({ publicAccessPrevention: undefined })),
      (s) => new StorageBucket(s, "subject", bucket({ publicAccessPrevention: "inherited" })),
    ],
    pass: (s) => new StorageBucket(s, "subject", bucket()),
  },
  {
    rule: "CKV_GCP_28",
    fail: [
      (s) =>
        new StorageBucketIamMember(s, "subject", {
          bucket: "b",
          role: "roles/storage.objectViewer",
          member: "allUsers",
        }),
      (s) =>
        new StorageBucketIamBinding(s, "subject", {
          bucket: "b",
          role: "roles/storage.objectViewer",
          members: [runtimeAccount, "allAuthenticatedUsers"],
        }),
    ],
    pass: (s) =>
      new StorageBucketIamMember(s, "subject", {
        bucket: "b",
        role: "roles/storage.objectViewer",
        member: runtimeAccount,
      }),
  },
  {
    rule: "CKV_GCP_101",
    fail: (s) => new ArtifactRegistryRepositoryIamMember(s, "subject", { ...repository, member: "allUsers" }),
    pass: (s) => new ArtifactRegistryRepositoryIamMember(s, "subject", { ...repository, member: runtimeAccount }),
  },
  {
    rule: "BP_GCP_2",
    fail: (s) =>
      new ArtifactRegistryRepository(s, "subject", {
        repositoryId: "images",
        format: "DOCKER",
        location: "europe-west1",
      }),
    pass: [
      (s) =>
        new ArtifactRegistryRepository(s, "subject", {
          repositoryId: "images",
          format: "DOCKER",
          location: "europe-west1",
          dockerConfig: { immutableTags: true },
        }),
      (s) =>
        new ArtifactRegistryRepository(s, "subject", { repositoryId: "npm", format: "NPM", location: "europe-west1" }),
    ],
  },
  {
    rule: "CKV_GCP_117",
    fail: [
      (s) => new ProjectIamMember(s, "subject", { project: "p", role: "roles/editor", member: runtimeAccount }),
      (s) =>
        new ProjectIamBinding(s, "subject", { project: "p", role: "roles/owner", members: ["user:a@example.net"] }),
    ],
    pass: (s) =>
      new ProjectIamMember(s, "subject", { project: "p", role: "roles/logging.logWriter", member: runtimeAccount }),
  },
  {
    rule: "CKV_GCP_46",
    fail: (s) =>
      new ProjectIamMember(s, "subject", { project: "p", role: "roles/logging.logWriter", member: defaultCompute }),
    pass: (s) =>
      new ProjectIamMember(s, "subject", { project: "p", role: "roles/logging.logWriter", member: runtimeAccount }),
  },
  {
    rule: "BP_GCP_3",
    fail: [
      (s) =>
        new CloudRunV2Service(s, "subject", {
          name: "shop",
          location: "europe-west1",
          template: { containers: [{ image: "europe-docker.pkg.dev/p/images/shop:1" }] },
        }),
      (s) =>
        new Cloudfunctions2Function(s, "subject", {
          name: "shop",
          location: "europe-west1",
          serviceConfig: { serviceAccountEmail: "123456789012-compute@developer.gserviceaccount.com" },
        }),
    ],
    pass: [
      (s) =>
        new CloudRunV2Service(s, "subject", {
          name: "shop",
          location: "europe-west1",
          template: {
            serviceAccount: serviceAccount(s),
            containers: [{ image: "europe-docker.pkg.dev/p/images/shop:1" }],
          },
        }),
      (s) =>
        new Cloudfunctions2Function(s, "subject", {
          name: "shop",
          location: "europe-west1",
          serviceConfig: { serviceAccountEmail: serviceAccount(s) },
        }),
    ],
  },
  {
    rule: "BP_GCP_4",
    fail: (s) =>
      new LoggingProjectBucketConfig(s, "subject", { project: "p", location: "global", bucketId: "_Default" }),
    pass: (s) =>
      new LoggingProjectBucketConfig(s, "subject", {
        project: "p",
        location: "global",
        bucketId: "_Default",
        retentionDays: 30,
      }),
  },
];
