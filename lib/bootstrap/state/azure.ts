/**
 * The state store of one environment in its Azure subscription (`backend:
 * { type: "cloud", cloud: "azure" }`): a storage account in a resource
 * group of its own (`rg-<service>-<env>-tfstate`), where the deploy
 * identity holds no management role (its Contributor on the workload's
 * group could otherwise turn shared keys back on and list them). Shared
 * keys are off, so only Entra ID data-plane roles open it: Storage Blob
 * Data Contributor on the state container for the environment's plan and
 * deploy identities (the backend's lock is a blob lease, a write), Reader
 * on the group for the backend's account lookup. Nobody else holds a data
 * role; an Owner of the subscription (the administrator) can grant one.
 */
import type { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { Construct } from "constructs";
import type { AzureStateLocation } from "../../config/state";
import { suppress } from "../../policy";
import { applyProtections } from "../../policy/protections";

/** Roles each of the environment's identities holds on its state. */
export const AZURE_STATE_ROLES = { container: "Storage Blob Data Contributor", group: "Reader" } as const;

export interface AzureStateStoreProps {
  readonly provider: AzurermProvider;
  readonly location: AzureStateLocation;
  readonly principals: Readonly<Record<"plan" | "deploy", ServicePrincipal>>;
  readonly tags: Readonly<Record<string, string>>;
}

export class AzureStateStore extends Construct {
  readonly account: StorageAccount;

  constructor(scope: Construct, id: string, props: AzureStateStoreProps) {
    super(scope, id);
    const { provider, location, principals } = props;
    const group = new ResourceGroup(this, "group", {
      provider,
      name: location.resourceGroupName,
      location: location.location,
      tags: { ...props.tags },
    });
    applyProtections(group, true);
    new ManagementLock(this, "lock", {
      provider,
      name: "state-can-not-delete",
      scope: group.id,
      lockLevel: "CanNotDelete",
      notes: "Terraform state: deleting it loses the record of what exists (bootstrap stack)",
    });
    this.account = new StorageAccount(this, "account", {
      provider,
      name: location.storageAccountName,
      resourceGroupName: group.name,
      location: location.location,
      accountTier: "Standard",
      accountReplicationType: "GRS",
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      allowNestedItemsToBePublic: false,
      infrastructureEncryptionEnabled: true,
      blobProperties: { versioningEnabled: true, deleteRetentionPolicy: { days: 30 } },
      tags: { ...props.tags },
    });
    applyProtections(this.account, true);
    // storage_account_id: created through the management API, so bootstrap needs no data-plane role.
    const container = new StorageContainer(this, "container", {
      provider,
      name: location.containerName,
      storageAccountId: this.account.id,
      containerAccessType: "private",
    });
    for (const [purpose, principal] of Object.entries(principals)) {
      const state = new RoleAssignment(this, `${purpose}-state`, {
        provider,
        scope: container.resourceManagerId,
        roleDefinitionName: AZURE_STATE_ROLES.container,
        principalId: principal.objectId,
        principalType: "ServicePrincipal",
      });
      if (purpose === "plan") {
        suppress(
          state,
          "BP_AZ_9",
          "the azurerm backend locks state with a blob lease, a write; the role is on this environment's state container only, whose state the plan reads anyway, and the plan identity trusts the default branch only",
        );
      }
      new RoleAssignment(this, `${purpose}-reader`, {
        provider,
        scope: group.id,
        roleDefinitionName: AZURE_STATE_ROLES.group,
        principalId: principal.objectId,
        principalType: "ServicePrincipal",
      });
    }
  }
}
