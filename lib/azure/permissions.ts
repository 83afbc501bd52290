/**
 * Azure's permission map and role table.
 *
 * `AZURE_PERMISSIONS`: per azurerm resource and data source type the stacks
 * synthesize (environment and bootstrap), the Azure RBAC operations azurerm
 * 4.55 calls to refresh it (plan) and to create, update and delete it
 * (deploy): control-plane actions as written in the resource provider
 * operations list (https://learn.microsoft.com/en-us/azure/role-based-access-control/permissions/),
 * data-plane actions with a `data:` prefix. Reader's `*\/read` does not cover
 * the POST "list" calls a refresh makes (secrets, app settings): those are
 * named here so the check sees them.
 *
 * `AZURE_ROLE_TABLE`: the built-in roles bootstrap assigns, as Microsoft
 * documents them (https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles),
 * version of `AZURE_ROLE_SOURCE.date` (`az role definition list`, as scraped
 * by iann0036/iam-dataset at that date).
 *
 * Entra ID (azuread, bootstrap only) is authorized by Microsoft Graph, not
 * Azure RBAC: `AZUREAD_PERMISSIONS` names the Graph permissions.
 */

import { documentedEntry, type Grant, type GrantSource, type PermissionMap } from "../permissions/coverage";

const crud = (type: string): { plan: string[]; deploy: string[] } => ({
  plan: [`${type}/read`],
  deploy: [`${type}/write`, `${type}/delete`],
});

const ASSIGN_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
const SECRETS = "data:Microsoft.KeyVault/vaults/secrets";
const BLOBS = "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

export const AZURE_PERMISSIONS: PermissionMap = {
  "data.azurerm_client_config": { plan: [], deploy: [], note: "reads the signed-in token only" },
  "data.azurerm_resource_group": { plan: ["Microsoft.Resources/subscriptions/resourceGroups/read"], deploy: [] },
  "data.azurerm_user_assigned_identity": {
    plan: ["Microsoft.ManagedIdentity/userAssignedIdentities/read"],
    deploy: [],
    note: "the targets' identities, made by bootstrap (lib/bootstrap/workload/azure.ts)",
  },
  azurerm_application_insights: crud("Microsoft.Insights/components"),
  azurerm_application_insights_standard_web_test: crud("Microsoft.Insights/webtests"),
  azurerm_application_insights_workbook: crud("Microsoft.Insights/workbooks"),
  azurerm_container_app: {
    plan: ["Microsoft.App/containerApps/read", "Microsoft.App/containerApps/listSecrets/action"],
    deploy: [
      "Microsoft.App/containerApps/write",
      "Microsoft.App/containerApps/delete",
      "Microsoft.App/managedEnvironments/join/action",
      ASSIGN_IDENTITY,
    ],
    note: "refresh lists the app's secrets (a POST Reader lacks; hashicorp/terraform-provider-azurerm#31181)",
  },
  azurerm_container_app_environment: {
    plan: ["Microsoft.App/managedEnvironments/read"],
    deploy: [
      "Microsoft.App/managedEnvironments/write",
      "Microsoft.App/managedEnvironments/delete",
      "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
    ],
    note: "creating it reads the Log Analytics workspace's shared key",
  },
  azurerm_container_registry: crud("Microsoft.ContainerRegistry/registries"),
  azurerm_function_app_flex_consumption: {
    plan: ["Microsoft.Web/sites/read", "Microsoft.Web/sites/config/read", "Microsoft.Web/sites/config/list/action"],
    deploy: [
      "Microsoft.Web/sites/write",
      "Microsoft.Web/sites/delete",
      "Microsoft.Web/sites/config/write",
      ASSIGN_IDENTITY,
    ],
    note: "refresh lists app settings and publishing credentials (POST config/list; Reader lacks it, hashicorp/terraform-provider-azurerm#33088)",
  },
  azurerm_key_vault: {
    plan: ["Microsoft.KeyVault/vaults/read"],
    deploy: [
      "Microsoft.KeyVault/vaults/write",
      "Microsoft.KeyVault/vaults/delete",
      "Microsoft.KeyVault/locations/deletedVaults/purge/action",
    ],
    note: "destroy purges the soft-deleted vault (azurerm's default features)",
  },
  azurerm_key_vault_secret: {
    plan: [`${SECRETS}/getSecret/action`, `${SECRETS}/readMetadata/action`],
    deploy: [`${SECRETS}/setSecret/action`, `${SECRETS}/delete`, `${SECRETS}/purge/action`],
    note: "data plane (the vault uses RBAC): refresh reads the value; docs/choices.md",
  },
  azurerm_log_analytics_workspace: {
    ...crud("Microsoft.OperationalInsights/workspaces"),
    note: "refresh also asks for the shared keys and carries on without them",
  },
  azurerm_monitor_action_group: crud("Microsoft.Insights/actionGroups"),
  azurerm_monitor_data_collection_rule: crud("Microsoft.Insights/dataCollectionRules"),
  azurerm_monitor_data_collection_rule_association: {
    plan: ["Microsoft.Insights/dataCollectionRuleAssociations/read"],
    deploy: [
      "Microsoft.Insights/dataCollectionRuleAssociations/write",
      "Microsoft.Insights/dataCollectionRuleAssociations/delete",
      "Microsoft.Insights/dataCollectionRules/read",
    ],
    note: "associating reads the rule it links the Container App to",
  },
  azurerm_monitor_metric_alert: crud("Microsoft.Insights/metricAlerts"),
  azurerm_monitor_scheduled_query_rules_alert_v2: crud("Microsoft.Insights/scheduledQueryRules"),
  azurerm_role_assignment: crud("Microsoft.Authorization/roleAssignments"),
  azurerm_service_plan: crud("Microsoft.Web/serverfarms"),
  azurerm_storage_account: {
    plan: ["Microsoft.Storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/blobServices/read"],
    deploy: [
      "Microsoft.Storage/storageAccounts/write",
      "Microsoft.Storage/storageAccounts/delete",
      "Microsoft.Storage/storageAccounts/blobServices/write",
    ],
    note: "refresh also tries listKeys and carries on without them (shared keys are off); hashicorp/terraform-provider-azurerm#11994",
  },
  azurerm_storage_blob: {
    plan: [`${BLOBS}/read`],
    deploy: [`${BLOBS}/write`, `${BLOBS}/delete`],
    note: "data plane: the account takes Entra ID auth only",
  },
  azurerm_storage_container: crud("Microsoft.Storage/storageAccounts/blobServices/containers"),
  azurerm_user_assigned_identity: crud("Microsoft.ManagedIdentity/userAssignedIdentities"),
  // Bootstrap only (applied by an administrator, docs/bootstrap.md).
  azurerm_management_lock: crud("Microsoft.Authorization/locks"),
  azurerm_resource_group: crud("Microsoft.Resources/subscriptions/resourceGroups"),
  azurerm_role_definition: crud("Microsoft.Authorization/roleDefinitions"),
};

/**
 * Entra ID directory actions the administrator's bootstrap run needs per
 * azuread type (https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference):
 * Application Developer creates applications and service principals as their
 * owner, and an owner may then add the federated credentials.
 */
export const AZUREAD_PERMISSIONS: PermissionMap = {
  azuread_application: {
    plan: ["microsoft.directory/applications/standard/read"],
    deploy: ["microsoft.directory/applications/createAsOwner"],
  },
  azuread_application_federated_identity_credential: {
    plan: ["microsoft.directory/applications/standard/read"],
    deploy: ["microsoft.directory/applications/credentials/update"],
  },
  azuread_application_flexible_federated_identity_credential: {
    plan: ["microsoft.directory/applications/standard/read"],
    deploy: ["microsoft.directory/applications/credentials/update"],
  },
  azuread_service_principal: {
    plan: ["microsoft.directory/servicePrincipals/standard/read"],
    deploy: ["microsoft.directory/servicePrincipals/createAsOwner"],
  },
};

/** Entra ID roles as grants: Application Developer, and what owning an application allows on it. */
export const AZUREAD_ROLE_TABLE: Readonly<Record<string, Grant>> = {
  "Application Developer": {
    name: "Application Developer",
    statements: [
      {
        allow: [
          "microsoft.directory/applications/createAsOwner",
          "microsoft.directory/servicePrincipals/createAsOwner",
          "microsoft.directory/oAuth2PermissionGrants/createAsOwner",
        ],
      },
    ],
  },
  "application owner": {
    name: "application owner",
    statements: [
      {
        allow: [
          "microsoft.directory/applications/standard/read",
          "microsoft.directory/applications/credentials/update",
          "microsoft.directory/servicePrincipals/standard/read",
        ],
      },
    ],
  },
};

/** Where the role table comes from. */
export const AZURE_ROLE_SOURCE: GrantSource = {
  doc: "https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles",
  date: "2026-08-22",
};

/** A built-in role: its id (the same in every tenant) and its permissions. */
export interface AzureRole {
  readonly id: string;
  readonly statements: Grant["statements"];
}

/** The built-in roles bootstrap and the stacks assign, as documented at `AZURE_ROLE_SOURCE.date`. */
export const AZURE_ROLE_TABLE: Readonly<Record<string, AzureRole>> = {
  AcrPull: {
    id: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    statements: [{ allow: ["Microsoft.ContainerRegistry/registries/pull/read"] }],
  },
  AcrPush: {
    id: "8311e382-0749-4cb8-b61a-304f252e45ec",
    statements: [
      {
        allow: [
          "Microsoft.ContainerRegistry/registries/pull/read",
          "Microsoft.ContainerRegistry/registries/push/write",
        ],
      },
    ],
  },
  Contributor: {
    id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    statements: [
      {
        allow: ["*"],
        except: [
          "Microsoft.Authorization/*/Delete",
          "Microsoft.Authorization/*/Write",
          "Microsoft.Authorization/elevateAccess/Action",
          "Microsoft.Blueprint/blueprintAssignments/write",
          "Microsoft.Blueprint/blueprintAssignments/delete",
          "Microsoft.Compute/galleries/share/action",
          "Microsoft.Purview/consents/write",
          "Microsoft.Purview/consents/delete",
          "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
          "Microsoft.Subscription/cancel/action",
          "Microsoft.Subscription/enable/action",
        ],
      },
    ],
  },
  "Key Vault Secrets Officer": {
    id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    statements: [
      {
        allow: [
          "Microsoft.Authorization/*/read",
          "Microsoft.Insights/alertRules/*",
          "Microsoft.Resources/deployments/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
          "Microsoft.Support/*",
          "Microsoft.KeyVault/checkNameAvailability/read",
          "Microsoft.KeyVault/deletedVaults/read",
          "Microsoft.KeyVault/locations/*/read",
          "Microsoft.KeyVault/vaults/*/read",
          "Microsoft.KeyVault/operations/read",
        ],
      },
      { allow: ["data:Microsoft.KeyVault/vaults/secrets/*"] },
    ],
  },
  "Key Vault Secrets User": {
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    statements: [
      {
        allow: [
          "data:Microsoft.KeyVault/vaults/secrets/getSecret/action",
          "data:Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        ],
      },
    ],
  },
  "Monitoring Metrics Publisher": {
    id: "3913510d-42f4-4e42-8a64-420c390055eb",
    statements: [
      {
        allow: [
          "Microsoft.Insights/Register/Action",
          "Microsoft.Support/*",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
        ],
      },
      { allow: ["data:Microsoft.Insights/Metrics/Write", "data:Microsoft.Insights/Telemetry/Write"] },
    ],
  },
  Reader: {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    statements: [{ allow: ["*/read"] }],
  },
  "Role Based Access Control Administrator": {
    id: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    statements: [
      {
        allow: [
          "Microsoft.Authorization/roleAssignments/write",
          "Microsoft.Authorization/roleAssignments/delete",
          "*/read",
          "Microsoft.Support/*",
        ],
      },
    ],
  },
  "Storage Blob Data Contributor": {
    id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    statements: [
      {
        allow: [
          "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
          "Microsoft.Storage/storageAccounts/blobServices/containers/read",
          "Microsoft.Storage/storageAccounts/blobServices/containers/write",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
      },
      {
        allow: [
          "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
          "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
          "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
          "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
          "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
        ],
      },
    ],
  },
  "Storage Blob Data Owner": {
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    statements: [
      {
        allow: [
          "Microsoft.Storage/storageAccounts/blobServices/containers/*",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
      },
      { allow: ["data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"] },
    ],
  },
  "Storage Blob Data Reader": {
    id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    statements: [
      {
        allow: [
          "Microsoft.Storage/storageAccounts/blobServices/containers/read",
          "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
      },
      { allow: ["data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] },
    ],
  },
  Owner: {
    id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    statements: [{ allow: ["*"] }],
  },
  "User Access Administrator": {
    id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    statements: [{ allow: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"] }],
  },
};

/** A built-in role as a grant (throws for a role the table does not have: add it from the docs first). */
export function azureRoleGrant(role: string): Grant {
  const definition = documentedEntry(AZURE_ROLE_TABLE, role, "AZURE_ROLE_TABLE (lib/azure/permissions.ts)");
  return { name: role, statements: definition.statements };
}
