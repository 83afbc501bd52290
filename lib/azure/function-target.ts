/**
 * FunctionTarget (Azure): the workload as a Function App on the Flex
 * Consumption plan (FC1), Node 22, running the workload's Azure zip from a
 * blob container, with its own user-assigned identity, Application Insights
 * logs and a public HTTPS endpoint.
 *
 * Storage is reached by identity only (shared keys are off, see storage.ts):
 * the `AzureWebJobsStorage__*` settings point the host at the account through
 * the identity, and `AzureWebJobsStorage` itself is never set. A blank value
 * is not "unset": Flex uses it as a connection string and start-up or
 * deployment fails (hashicorp/terraform-provider-azurerm#29693, #30732; the
 * fix is to remove the setting). azurerm 4.55 may still re-inject it on
 * update (#29149, #33211) until PR #29099 ships; plans then show an
 * app_settings change.
 *
 * Flex Consumption has no health check setting (the platform ignores
 * `health_check_path`), so none is set; the edge and the pipeline's verify
 * step probe ServiceSpec.healthPath instead.
 *
 * Secrets: the app has no system identity and no `@Microsoft.KeyVault(...)`
 * settings. Flex in azurerm 4.55 resolves Key Vault references with the
 * system identity only (no key_vault_reference_identity_id:
 * hashicorp/terraform-provider-azurerm#28928, PR #31439 open), whose read the
 * environment stack would have to grant, keeping role-assignment writes in
 * the deploy identity. Instead a secret variable NAME arrives as
 * `NAME_KEYVAULT_URI` (the versionless secret URI) with `AZURE_CLIENT_ID`,
 * and the workload reads the value itself with the user-assigned identity
 * (app/adapters/azure-key-vault.ts), whose Key Vault Secrets User on the
 * group is bootstrap's (docs/choices.md).
 */
import { FunctionAppFlexConsumption } from "@cdktf/provider-azurerm/lib/function-app-flex-consumption";
import { ServicePlan } from "@cdktf/provider-azurerm/lib/service-plan";
import type { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { AZURE_KEY_VAULT_ENV } from "../../app/constants";
import { isSecretReference, type SecretReference, secretVariables } from "../contract/workload-environment";
import type { FunctionBundle } from "../service";
import { AZURE_PLATFORM_LIMITS } from "./limits";
import { flexInstanceMemoryMb, functionTimeout } from "./sizing";
import { DeploymentStorage } from "./storage";
import { AzureTarget, type AzureTargetProps } from "./target";
import { FUNCTION_RUNTIME, HTTP_ALWAYS_READY_GROUP } from "./workload";

/**
 * `originSecret`: stored in the environment's Key Vault; app setting
 * ORIGIN_SECRET_KEYVAULT_URI names it and the workload reads it with its
 * user-assigned identity, so the function's configuration never shows the value.
 * `protect`: prevent_destroy on the logs and storage account (bootstrap
 * protects the resource group).
 */
export interface FunctionTargetProps extends AzureTargetProps {
  /** The workload's Azure Functions zip (index.js, package.json, host.json). */
  readonly bundle: FunctionBundle;
}

/** Flex Consumption's HTTP front end ends requests after 230 s whatever the function timeout. */
const HTTP_REQUEST_LIMIT_SECONDS = AZURE_PLATFORM_LIMITS.functionHttpRequestSeconds.max;

export class FunctionTarget extends AzureTarget {
  readonly storage: DeploymentStorage;
  readonly plan: ServicePlan;
  readonly app: FunctionAppFlexConsumption;

  constructor(scope: Construct, id: string, props: FunctionTargetProps) {
    super(scope, id, props, {
      kind: "function",
      requestLimit: { seconds: HTTP_REQUEST_LIMIT_SECONDS, endedBy: "Azure Functions ends HTTP requests" },
    });
    const { names, resourceGroupName, location } = this.foundation;
    this.storage = new DeploymentStorage(this, "storage", {
      accountName: names.storageAccount,
      containerName: names.storageContainer,
      resourceGroupName,
      location,
      bundle: props.bundle,
    });
    // Its roles (Storage Blob Data Owner, Monitoring Metrics Publisher, Key Vault Secrets User) are bootstrap's.
    this.plan = new ServicePlan(this, "plan", {
      name: names.servicePlan,
      resourceGroupName,
      location,
      osType: "Linux",
      skuName: "FC1",
    });

    this.app = this.createApp(props, { dependsOn: [this.storage.packageBlob] });
    this.exposeHost(this.app.defaultHostname, this.app.name);
  }

  /**
   * The workload's variables as app settings. A secret NAME becomes
   * `NAME_KEYVAULT_URI`, the versionless URI the workload reads with the
   * identity `AZURE_CLIENT_ID` names: an operator's secret by its name, a
   * generated one (the origin secret) stored in the vault first.
   */
  private workloadSettings(): Record<string, string> {
    const { foundation } = this;
    const secretUri = (ref: SecretReference): string => foundation.secrets.referenceUri("function", ref);
    const settings = Object.fromEntries(
      Object.entries(this.workloadEnvironment).map(([name, value]) =>
        isSecretReference(value) ? [`${name}${AZURE_KEY_VAULT_ENV.uriSuffix}`, secretUri(value)] : [name, value],
      ),
    );
    if (secretVariables(this.workloadEnvironment).length === 0) return settings;
    return { ...settings, [AZURE_KEY_VAULT_ENV.clientIdEnvVar]: this.identity.clientId };
  }

  /** The Flex Consumption app: the package from storage, host storage and telemetry by identity, HTTPS only. */
  private createApp(
    props: FunctionTargetProps,
    uses: { readonly dependsOn: readonly TerraformResource[] },
  ): FunctionAppFlexConsumption {
    const { spec } = props;
    const { foundation } = this;
    return new FunctionAppFlexConsumption(this, "app", {
      name: foundation.names.functionApp,
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      servicePlanId: this.plan.id,
      runtimeName: FUNCTION_RUNTIME.name,
      runtimeVersion: FUNCTION_RUNTIME.version,
      storageContainerType: "blobContainer",
      storageContainerEndpoint: this.storage.containerEndpoint,
      storageAuthenticationType: "UserAssignedIdentity",
      storageUserAssignedIdentityId: this.identity.id,
      instanceMemoryInMb: flexInstanceMemoryMb(spec.memoryMb),
      maximumInstanceCount: spec.maxInstances,
      alwaysReady:
        spec.minInstances > 0 ? [{ name: HTTP_ALWAYS_READY_GROUP, instanceCount: spec.minInstances }] : undefined,
      httpsOnly: true,
      publicNetworkAccessEnabled: true,
      clientCertificateEnabled: false,
      // Flex Consumption has no FTP; this turns off basic-auth (publishing profile) deployment.
      webdeployPublishBasicAuthenticationEnabled: false,
      // No system identity: secrets are read by the workload with this one (see the file comment).
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      siteConfig: {
        minimumTlsVersion: "1.2",
        scmMinimumTlsVersion: "1.2",
        applicationInsightsConnectionString: foundation.logs.applicationInsights.connectionString,
        remoteDebuggingEnabled: false,
      },
      appSettings: {
        ...this.workloadSettings(),
        // Host storage by identity; `AzureWebJobsStorage` stays unset (see the file comment).
        AzureWebJobsStorage__accountName: this.storage.account.name,
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: this.identity.clientId,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${this.identity.clientId};Authorization=AAD`,
        // Overrides host.json's functionTimeout.
        AzureFunctionsJobHost__functionTimeout: functionTimeout(spec.timeoutSeconds),
        // A new package is picked up on restart; changing this setting restarts the app.
        WORKLOAD_PACKAGE_SHA256: props.bundle.sha256,
      },
      dependsOn: [...uses.dependsOn],
    });
  }
}
