/**
 * Cases for the Azure rules added against insecure mutations (issue #26):
 * public blob containers, storage encryption off, role-assignment admin
 * conditions widened to owner-like roles, plan identities reading secrets,
 * workload identities granted a whole resource group.
 */
import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { StorageAccount, type StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import type { TerraformStack } from "cdktf";
import { audience } from "../../../lib/identity";
import type { RuleCase } from "./types";

const where = { resourceGroupName: "rg", location: "westeurope" };
const storage =
  (patch: Partial<StorageAccountConfig> = {}) =>
  (s: TerraformStack) =>
    new StorageAccount(s, "subject", {
      ...where,
      name: "st",
      accountTier: "Standard",
      accountReplicationType: "LRS",
      infrastructureEncryptionEnabled: true,
      sharedAccessKeyEnabled: false,
      ...patch,
    });
/** A custom role on the group with `actions` and `notActions`. */
const deployRole = (actions: string[], notActions: string[]) => (s: TerraformStack) =>
  new RoleDefinition(s, "subject", {
    name: "ci-deploy",
    scope: "/subscriptions/00000000-0000-0000-0000-000000000001",
    permissions: [{ actions, notActions }],
  });

const GROUP = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg";
const VAULT = `${GROUP}/providers/Microsoft.KeyVault/vaults/kv`;

/** A CI identity of `purpose`: application, its federated credential, its service principal's object id. */
function ciPrincipal(s: TerraformStack, purpose: "plan" | "deploy"): string {
  new AzureadProvider(s, "azuread", {});
  const application = new Application(s, "application", { displayName: `ci-${purpose}` });
  new ApplicationFederatedIdentityCredential(s, "credential", {
    applicationId: application.id,
    displayName: "ci",
    issuer: "https://gitlab.com",
    audiences: [audience("azure", "test", purpose)],
    subject: "project_path:group/project:ref_type:branch:ref:main",
  });
  return new ServicePrincipal(s, "principal", { clientId: application.clientId }).objectId;
}
const ciGrant = (purpose: "plan" | "deploy", role: string) => (s: TerraformStack) =>
  new RoleAssignment(s, "subject", { scope: VAULT, roleDefinitionName: role, principalId: ciPrincipal(s, purpose) });
const workloadGrant = (scope: (s: TerraformStack) => string) => (s: TerraformStack) =>
  new RoleAssignment(s, "subject", {
    scope: scope(s),
    roleDefinitionName: "Key Vault Secrets User",
    principalId: new UserAssignedIdentity(s, "identity", { ...where, name: "id" }).principalId,
  });

const ALLOWED = "4633458b-17de-408a-b874-0445c86b69e6, 7f951dda-4ed3-4680-a7ca-43fe172d538d";
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const adminCondition = (guids: string) =>
  `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}))`;
/** `adminCondition` that also keeps the CI identities (`principals`) from being assigned. */
const adminConditionExcluding = (guids: string, principals: string) =>
  adminCondition(guids).replace(
    /\)\)$/,
    ` AND @Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAllValues:GuidNotEquals {${principals}}))`,
  );
const admin = (condition?: string) => (s: TerraformStack) =>
  new RoleAssignment(s, "subject", {
    scope: GROUP,
    roleDefinitionName: "Role Based Access Control Administrator",
    principalId: "00000000-0000-0000-0000-000000000009",
    ...(condition === undefined ? {} : { condition, conditionVersion: "2.0" }),
  });

export const azureHardeningCases: RuleCase[] = [
  {
    rule: "CKV_AZURE_34",
    fail: [
      (s) => new StorageContainer(s, "subject", { name: "c", storageAccountId: "st", containerAccessType: "blob" }),
      (s) =>
        new StorageContainer(s, "subject", { name: "c", storageAccountId: "st", containerAccessType: "container" }),
    ],
    pass: [
      (s) => new StorageContainer(s, "subject", { name: "c", storageAccountId: "st", containerAccessType: "private" }),
      (s) => new StorageContainer(s, "subject", { name: "c", storageAccountId: "st" }),
    ],
  },
  {
    rule: "BP_AZ_7",
    fail: [
      storage({ infrastructureEncryptionEnabled: false }),
      storage({ infrastructureEncryptionEnabled: undefined }),
      storage({ sharedAccessKeyEnabled: true }),
    ],
    pass: storage(),
  },
  {
    rule: "BP_AZ_8",
    fail: [
      admin(),
      admin(adminCondition(`${ALLOWED}, ${OWNER}`)),
      admin(
        "@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEqualsIgnoreCase 'ServicePrincipal'",
      ),
      // The roles are narrow, but the holder may assign them to itself or another CI identity (a plan one).
      admin(adminCondition(ALLOWED)),
      admin(adminConditionExcluding(ALLOWED, "")),
      // A CI identity, even under the narrowest condition: it could give Key Vault Secrets User outside CI.
      (s) =>
        new RoleAssignment(s, "subject", {
          scope: GROUP,
          roleDefinitionName: "Role Based Access Control Administrator",
          principalId: ciPrincipal(s, "deploy"),
          condition: adminConditionExcluding(ALLOWED, "00000000-0000-0000-0000-000000000009"),
          conditionVersion: "2.0",
        }),
      // Any assignment whose condition lets its holder hand out Owner.
      (s) =>
        new RoleAssignment(s, "subject", {
          scope: GROUP,
          roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/f58310d9-a9f6-439a-9e8d-f62e7b41a168",
          principalId: "00000000-0000-0000-0000-000000000009",
          condition: adminCondition("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"),
          conditionVersion: "2.0",
        }),
    ],
    pass: [
      admin(
        adminConditionExcluding(ALLOWED, "00000000-0000-0000-0000-000000000009, 00000000-0000-0000-0000-00000000000a"),
      ),
      (s) =>
        new RoleAssignment(s, "subject", {
          scope: VAULT,
          roleDefinitionName: "Key Vault Secrets User",
          principalId: "p",
        }),
    ],
  },
  {
    rule: "BP_AZ_9",
    fail: [
      ciGrant("plan", "Key Vault Secrets User"),
      ciGrant("plan", "Key Vault Administrator"),
      ciGrant("plan", "Storage Blob Data Owner"),
    ],
    pass: [ciGrant("plan", "Reader"), ciGrant("deploy", "Key Vault Secrets Officer")],
  },
  {
    rule: "BP_AZ_10",
    fail: [workloadGrant(() => GROUP), workloadGrant(() => "/subscriptions/00000000-0000-0000-0000-000000000001")],
    pass: [
      workloadGrant(() => VAULT),
      // A CI identity on its resource group is the bootstrap's design (judged by BP_AZ_5 and BP_AZ_8).
      (s) =>
        new RoleAssignment(s, "subject", {
          scope: GROUP,
          roleDefinitionName: "Reader",
          principalId: ciPrincipal(s, "plan"),
        }),
    ],
  },
  {
    rule: "BP_AZ_11",
    fail: [
      // The escape: a deploy role that can make an identity, federate it to any issuer, and grant it data roles.
      deployRole(["Microsoft.ManagedIdentity/*", "Microsoft.Web/*"], []),
      deployRole(["*"], ["Microsoft.Authorization/*/Write"]),
      deployRole(["Microsoft.Authorization/roleAssignments/write"], []),
    ],
    pass: [
      deployRole(
        [
          "Microsoft.Web/*",
          "Microsoft.ManagedIdentity/userAssignedIdentities/read",
          "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        ],
        [],
      ),
      deployRole(
        ["*"],
        [
          "Microsoft.Authorization/*/Write",
          "Microsoft.ManagedIdentity/userAssignedIdentities/write",
          "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
        ],
      ),
    ],
  },
];
