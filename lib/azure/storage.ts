/**
 * The function's storage account: host storage (AzureWebJobsStorage) and the
 * deployment container the Flex Consumption app runs its package from.
 *
 * Shared keys are disabled: every access is by Entra ID.
 * - The account and the container are control-plane (ARM) resources
 *   (`storage_account_id` on the container), so no key is needed to create them.
 * - The package upload (`azurerm_storage_blob`) is a data-plane write that has
 *   no ARM form: it authenticates with the deploying identity's token because
 *   the provider sets `storage_use_azuread = true`, and bootstrap gives the
 *   CI deploy identity Storage Blob Data Contributor on the environment's
 *   group (an operator applying by hand needs the same, docs/azure.md).
 * - The function reads the package and its host storage with its
 *   user-assigned identity (Storage Blob Data Owner on the group, granted by
 *   bootstrap, lib/bootstrap/workload/azure.ts).
 */
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageBlob } from "@cdktf/provider-azurerm/lib/storage-blob";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { FunctionBundle } from "../service";
import { type AzurePlacement, placedIn } from "./placement";
import { FUNCTION_PACKAGE_BLOB } from "./workload";

export interface DeploymentStorageProps extends AzurePlacement {
  /** Storage account name (3-24 lowercase letters and digits, globally unique). */
  readonly accountName: string;
  /** Name of the blob container holding the package. */
  readonly containerName: string;
  /** The function zip to upload. */
  readonly bundle: FunctionBundle;
}

export class DeploymentStorage extends Construct {
  readonly account: StorageAccount;
  readonly container: StorageContainer;
  readonly packageBlob: StorageBlob;

  constructor(scope: Construct, id: string, props: DeploymentStorageProps) {
    super(scope, id);
    this.account = new StorageAccount(this, "account", {
      name: props.accountName,
      ...placedIn(props),
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: "LRS",
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      infrastructureEncryptionEnabled: true,
      crossTenantReplicationEnabled: false,
      localUserEnabled: false,
      // The Flex app reaches its storage over the public endpoint (no VNet here); access is by identity only.
      publicNetworkAccessEnabled: true,
      blobProperties: {
        deleteRetentionPolicy: { days: 7 },
        containerDeleteRetentionPolicy: { days: 7 },
      },
    });
    this.container = new StorageContainer(this, "deployments", {
      name: props.containerName,
      storageAccountId: this.account.id,
      containerAccessType: "private",
    });

    const asset = new TerraformAsset(this, "package", {
      path: props.bundle.path,
      type: AssetType.FILE,
      // The bundle's own hash: the asset path changes exactly when the code does.
      assetHash: props.bundle.sha256,
    });
    this.packageBlob = new StorageBlob(this, "package-blob", {
      name: FUNCTION_PACKAGE_BLOB,
      storageAccountName: this.account.name,
      storageContainerName: this.container.name,
      type: "Block",
      source: asset.path,
      contentType: "application/zip",
      // content_md5 forces a new upload whenever the zip changes (source alone is not compared).
      contentMd5: Fn.filemd5(asset.path),
    });
  }

  /** `https://<account>.blob.core.windows.net/<container>`, the Flex app's deployment storage. */
  get containerEndpoint(): string {
    return `${this.account.primaryBlobEndpoint}${this.container.name}`;
  }
}
