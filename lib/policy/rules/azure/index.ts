/** Azure (azurerm) pack. */
import { azureRequiredTags } from "./bp-az-1-required-tags";
import { containerAppHttpsOnly } from "./bp-az-2-container-app-https-only";
import { containerAppRegistryIdentity } from "./bp-az-3-container-app-registry-identity";
import { logAnalyticsRetention } from "./bp-az-4-log-analytics-retention";
import { noBroadRoleAssignment } from "./bp-az-5-no-broad-role-assignment";
import { federatedCredentialExact } from "./bp-az-6-federated-credential-exact";
import { storageEncryption } from "./bp-az-7-storage-encryption";
import { adminConditionNarrow } from "./bp-az-8-admin-condition-narrow";
import { planNoSecretReadAzure } from "./bp-az-9-plan-no-secret-read";
import { workloadResourceScope } from "./bp-az-10-workload-resource-scope";
import { roleDefinitionNoIdentityAdmin } from "./bp-az-11-role-definition-no-identity-admin";
import { storageHttpsOnly } from "./ckv-azure-3-storage-https-only";
import { storageContainerPrivate } from "./ckv-azure-34-container-private";
import { noStarRoleDefinition } from "./ckv-azure-39-no-star-role-definition";
import { storageMinTls } from "./ckv-azure-44-storage-min-tls";
import { functionAppHttpsOnly } from "./ckv-azure-70-function-app-https-only";
import { acrAdminDisabled } from "./ckv-azure-137-acr-admin-disabled";
import { acrAnonymousPullDisabled } from "./ckv-azure-138-acr-anonymous-pull-disabled";
import { functionAppMinTls } from "./ckv-azure-145-function-app-min-tls";
import { storageNoPublicBlobs } from "./ckv-azure-190-storage-no-public-blobs";

export const azureRules = [
  azureRequiredTags,
  acrAdminDisabled,
  acrAnonymousPullDisabled,
  storageHttpsOnly,
  storageMinTls,
  storageNoPublicBlobs,
  functionAppHttpsOnly,
  functionAppMinTls,
  containerAppHttpsOnly,
  containerAppRegistryIdentity,
  logAnalyticsRetention,
  noBroadRoleAssignment,
  noStarRoleDefinition,
  federatedCredentialExact,
  storageContainerPrivate,
  storageEncryption,
  adminConditionNarrow,
  planNoSecretReadAzure,
  workloadResourceScope,
  roleDefinitionNoIdentityAdmin,
] as const;
