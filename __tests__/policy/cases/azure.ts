import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { ApplicationFlexibleFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-flexible-federated-identity-credential";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ContainerApp, type ContainerAppConfig } from "@cdktf/provider-azurerm/lib/container-app";
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import {
  FunctionAppFlexConsumption,
  type FunctionAppFlexConsumptionConfig,
} from "@cdktf/provider-azurerm/lib/function-app-flex-consumption";
import { LinuxFunctionApp } from "@cdktf/provider-azurerm/lib/linux-function-app";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import type { TerraformStack } from "cdktf";
import { audience } from "../../../lib/identity";
import type { RuleCase } from "./types";

const credential = { applicationId: "/applications/1", displayName: "ci", issuer: "https://gitlab.com" };
/** The policy stack has no azuread provider (environment stacks never use one): add it for these cases. */
const azuread = (s: TerraformStack) => new AzureadProvider(s, "azuread", {});
const exactCredential = (audiences: string[], subject: string) => (s: TerraformStack) => {
  azuread(s);
  new ApplicationFederatedIdentityCredential(s, "subject", { ...credential, audiences, subject });
};
const flexibleCredential = (aud: string, claimsMatchingExpression: string) => (s: TerraformStack) => {
  azuread(s);
  new ApplicationFlexibleFederatedIdentityCredential(s, "subject", {
    ...credential,
    audience: aud,
    claimsMatchingExpression,
  });
};
const anyBranch = "claims['sub'] matches 'project_path:group/project:ref_type:branch:ref:*'";

const where = { resourceGroupName: "rg", location: "westeurope" };
const registry = { ...where, name: "acr", sku: "Standard" };
const storage = (patch: Partial<StorageAccountConfig> = {}): StorageAccountConfig => ({
  ...where,
  name: "st",
  accountTier: "Standard",
  accountReplicationType: "LRS",
  allowNestedItemsToBePublic: false,
  ...patch,
});
const flex = (patch: Partial<FunctionAppFlexConsumptionConfig> = {}): FunctionAppFlexConsumptionConfig => ({
  ...where,
  name: "fn",
  servicePlanId: "plan",
  runtimeName: "node",
  runtimeVersion: "22",
  storageAuthenticationType: "UserAssignedIdentity",
  storageContainerEndpoint: "https://st.blob.core.windows.net/deploy",
  storageContainerType: "blobContainer",
  httpsOnly: true,
  siteConfig: {},
  ...patch,
});
const containerApp = (patch: Partial<ContainerAppConfig> = {}): ContainerAppConfig => ({
  name: "ca",
  resourceGroupName: "rg",
  containerAppEnvironmentId: "env",
  revisionMode: "Single",
  template: { container: [{ name: "app", image: "acr.azurecr.io/shop:1", cpu: 0.25, memory: "0.5Gi" }] },
  ingress: { targetPort: 8080, externalEnabled: true, trafficWeight: [{ percentage: 100, latestRevision: true }] },
  ...patch,
});
const assignment = { scope: "/subscriptions/x", principalId: "00000000-0000-0000-0000-000000000001" };

export const azureCases: RuleCase[] = [
  {
    rule: "BP_AZ_6",
    fail: [
      exactCredential(["api://AzureADTokenExchange"], "project_path:group/project:ref_type:branch:ref:main"),
      flexibleCredential(audience("azure", "test", "deploy"), anyBranch),
      flexibleCredential(audience("azure", "test", "plan"), "claims['sub'] matches 'project_path:group/*'"),
    ],
    pass: [
      exactCredential([audience("azure", "test", "deploy")], "project_path:group/project:ref_type:branch:ref:main"),
      flexibleCredential(audience("azure", "test", "plan"), anyBranch),
    ],
  },
  {
    rule: "BP_AZ_1",
    // Without the tags aspect a resource has only the tags it sets itself.
    stack: { tags: false },
    fail: (s) => new ResourceGroup(s, "subject", { name: "rg", location: "westeurope", tags: { team: "edge" } }),
    pass: (s) =>
      new ResourceGroup(s, "subject", {
        name: "rg",
        location: "westeurope",
        tags: { environment: "t", service: "s", "managed-by": "m", repository: "r" },
      }),
  },
  {
    rule: "CKV_AZURE_137",
    fail: (s) => new ContainerRegistry(s, "subject", { ...registry, adminEnabled: true }),
    pass: (s) => new ContainerRegistry(s, "subject", registry),
  },
  {
    rule: "CKV_AZURE_138",
    fail: (s) => new ContainerRegistry(s, "subject", { ...registry, anonymousPullEnabled: true }),
    pass: (s) => new ContainerRegistry(s, "subject", { ...registry, anonymousPullEnabled: false }),
  },
  {
    rule: "CKV_AZURE_3",
    fail: (s) => new StorageAccount(s, "subject", storage({ httpsTrafficOnlyEnabled: false })),
    pass: (s) => new StorageAccount(s, "subject", storage()),
  },
  {
    rule: "CKV_AZURE_44",
    fail: (s) => new StorageAccount(s, "subject", storage({ minTlsVersion: "TLS1_0" })),
    pass: (s) => new StorageAccount(s, "subject", storage({ minTlsVersion: "TLS1_2" })),
  },
  {
    rule: "CKV_AZURE_190",
    fail: [
      (s) => new StorageAccount(s, "subject", storage({ allowNestedItemsToBePublic: undefined })),
      (s) => new StorageAccount(s, "subject", storage({ allowNestedItemsToBePublic: true })),
    ],
    pass: (s) => new StorageAccount(s, "subject", storage()),
  },
  {
    rule: "CKV_AZURE_70",
    fail: [
      (s) => new FunctionAppFlexConsumption(s, "subject", flex({ httpsOnly: undefined })),
      (s) =>
        new LinuxFunctionApp(s, "subject", {
          ...where,
          name: "fn",
          servicePlanId: "plan",
          siteConfig: {},
          httpsOnly: false,
        }),
    ],
    pass: (s) => new FunctionAppFlexConsumption(s, "subject", flex()),
  },
  {
    rule: "CKV_AZURE_145",
    fail: (s) => new FunctionAppFlexConsumption(s, "subject", flex({ siteConfig: { minimumTlsVersion: "1.1" } })),
    pass: [
      (s) => new FunctionAppFlexConsumption(s, "subject", flex()),
      (s) => new FunctionAppFlexConsumption(s, "subject", flex({ siteConfig: { minimumTlsVersion: "1.3" } })),
    ],
  },
  {
    rule: "BP_AZ_2",
    fail: (s) =>
      new ContainerApp(
        s,
        "subject",
        containerApp({
          ingress: {
            targetPort: 8080,
            allowInsecureConnections: true,
            trafficWeight: [{ percentage: 100, latestRevision: true }],
          },
        }),
      ),
    pass: (s) => new ContainerApp(s, "subject", containerApp()),
  },
  {
    rule: "BP_AZ_3",
    fail: (s) =>
      new ContainerApp(
        s,
        "subject",
        containerApp({
          registry: [{ server: "acr.azurecr.io", username: "acr", passwordSecretName: "acr-password" }],
          secret: [{ name: "acr-password", value: "from-somewhere" }],
        }),
      ),
    pass: (s) =>
      new ContainerApp(s, "subject", containerApp({ registry: [{ server: "acr.azurecr.io", identity: "uami-id" }] })),
  },
  {
    rule: "BP_AZ_4",
    fail: (s) => new LogAnalyticsWorkspace(s, "subject", { ...where, name: "logs" }),
    pass: (s) => new LogAnalyticsWorkspace(s, "subject", { ...where, name: "logs", retentionInDays: 30 }),
  },
  {
    rule: "BP_AZ_5",
    fail: [
      (s) => new RoleAssignment(s, "subject", { ...assignment, roleDefinitionName: "Contributor" }),
      (s) =>
        new RoleAssignment(s, "subject", {
          ...assignment,
          roleDefinitionId:
            "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        }),
    ],
    pass: (s) => new RoleAssignment(s, "subject", { ...assignment, roleDefinitionName: "AcrPull" }),
  },
  {
    rule: "CKV_AZURE_39",
    fail: (s) =>
      new RoleDefinition(s, "subject", {
        name: "everything",
        scope: "/subscriptions/x",
        permissions: [{ actions: ["*"] }],
      }),
    pass: (s) =>
      new RoleDefinition(s, "subject", {
        name: "reader",
        scope: "/subscriptions/x",
        permissions: [{ actions: ["Microsoft.Storage/storageAccounts/read"] }],
      }),
  },
];
