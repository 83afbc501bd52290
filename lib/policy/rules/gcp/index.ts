/** GCP (google) pack. */
import { gcpRequiredLabels } from "./bp-gcp-1-required-labels";
import { artifactRegistryImmutableTags } from "./bp-gcp-2-artifact-registry-immutable-tags";
import { workloadServiceAccount } from "./bp-gcp-3-workload-service-account";
import { logBucketRetention } from "./bp-gcp-4-log-bucket-retention";
import { noUnconditionedAdmin } from "./bp-gcp-5-no-unconditioned-admin";
import { workloadIdentityProvider } from "./bp-gcp-6-workload-identity-provider";
import { principalSetExact } from "./bp-gcp-7-principal-set-exact";
import { bucketAclNotPublic } from "./bp-gcp-8-bucket-acl-not-public";
import { adminConditionNarrowGcp } from "./bp-gcp-9-admin-condition-narrow";
import { planNoSecretReadGcp } from "./bp-gcp-10-plan-no-secret-read";
import { ciNoIamAdminGcp } from "./bp-gcp-11-ci-no-iam-admin";
import { envPublicInvokerOnlyGcp } from "./bp-gcp-12-env-public-invoker-only";
import { bucketNotPublic } from "./ckv-gcp-28-bucket-not-public";
import { bucketUniformAccess } from "./ckv-gcp-29-bucket-uniform-access";
import { noDefaultServiceAccountRole } from "./ckv-gcp-46-no-default-sa-project-role";
import { noProjectServiceAccountUser } from "./ckv-gcp-49-no-project-service-account-user";
import { artifactRegistryNotPublic } from "./ckv-gcp-101-artifact-registry-not-public";
import { bucketPublicAccessPrevention } from "./ckv-gcp-114-bucket-public-access-prevention";
import { noBasicRoles } from "./ckv-gcp-117-no-basic-roles";

export const gcpRules = [
  gcpRequiredLabels,
  bucketUniformAccess,
  bucketPublicAccessPrevention,
  bucketNotPublic,
  artifactRegistryNotPublic,
  artifactRegistryImmutableTags,
  noBasicRoles,
  noDefaultServiceAccountRole,
  workloadServiceAccount,
  logBucketRetention,
  noProjectServiceAccountUser,
  noUnconditionedAdmin,
  workloadIdentityProvider,
  principalSetExact,
  bucketAclNotPublic,
  adminConditionNarrowGcp,
  planNoSecretReadGcp,
  ciNoIamAdminGcp,
  envPublicInvokerOnlyGcp,
] as const;
