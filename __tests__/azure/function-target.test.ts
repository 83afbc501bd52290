import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { azureWorkloadIdentities } from "../../lib/azure/identity";
import { azureNames } from "../../lib/azure/naming";
import { all, azureStack, identityOf, ORIGIN_SECRET_REF, one, refOf } from "./helpers";

type Json = Record<string, unknown>;

describe("Azure FunctionTarget", () => {
  const { json, fn } = azureStack();
  const app = one(json, "azurerm_function_app_flex_consumption");
  const settings = app.app_settings as Record<string, string>;
  const identity = identityOf(json, "-function");
  const accountRef = refOf(json, "azurerm_storage_account", () => true);

  it("runs Node 22 on a Flex Consumption (FC1) Linux plan", () => {
    expect(app).toMatchObject({ runtime_name: "node", runtime_version: "22" });
    expect(one(json, "azurerm_service_plan")).toMatchObject({ os_type: "Linux", sku_name: "FC1" });
    expect(app.service_plan_id).toBe(`\${${refOf(json, "azurerm_service_plan", () => true)}.id}`);
  });

  it("serves HTTPS only with TLS 1.2 minimum and no basic-auth publishing", () => {
    expect(app).toMatchObject({
      https_only: true,
      public_network_access_enabled: true,
      client_certificate_enabled: false,
      webdeploy_publish_basic_authentication_enabled: false,
    });
    expect(app.site_config).toMatchObject({
      minimum_tls_version: "1.2",
      scm_minimum_tls_version: "1.2",
      remote_debugging_enabled: false,
    });
    // Flex Consumption ignores a health check path; setting one would only pretend to probe.
    expect(app.site_config).not.toHaveProperty("health_check_path");
  });

  it("sizes instances from the spec: memory, maximum count and always-ready count", () => {
    expect(app).toMatchObject({
      instance_memory_in_mb: 512,
      maximum_instance_count: 4,
      always_ready: [{ name: "http", instance_count: 1 }],
    });
    expect(settings.AzureFunctionsJobHost__functionTimeout).toBe("00:00:15");
    const scaled = azureStack({ spec: { memoryMb: 1024, minInstances: 0, maxInstances: 40 } });
    const scaledApp = one(scaled.json, "azurerm_function_app_flex_consumption");
    expect(scaledApp).toMatchObject({ instance_memory_in_mb: 2048, maximum_instance_count: 40 });
    expect(scaledApp).not.toHaveProperty("always_ready");
  });

  it("runs its package from a blob container, read with its own user-assigned identity", () => {
    const container = one(json, "azurerm_storage_container");
    expect(app).toMatchObject({
      storage_container_type: "blobContainer",
      storage_authentication_type: "UserAssignedIdentity",
      storage_user_assigned_identity_id: identity.id,
      storage_container_endpoint: `\${${accountRef}.primary_blob_endpoint}\${${refOf(json, "azurerm_storage_container", () => true)}.name}`,
      identity: { type: "UserAssigned", identity_ids: [identity.id] },
    });
    expect(app).not.toHaveProperty("storage_access_key");
    expect(container).toMatchObject({ container_access_type: "private", storage_account_id: `\${${accountRef}.id}` });
  });

  it("uploads the workload's Azure bundle as the Flex package blob, re-uploaded when the zip changes", () => {
    const blob = one(json, "azurerm_storage_blob");
    expect(blob).toMatchObject({ name: "released-package.zip", type: "Block", content_type: "application/zip" });
    expect(String(blob.source)).toMatch(/^assets\/.+\/azure\.zip$/);
    expect(blob.content_md5).toBe(`\${filemd5("${blob.source}")}`);
    // A new package restarts the app (the setting changes with the zip's hash).
    expect(settings.WORKLOAD_PACKAGE_SHA256).toBe("ab".repeat(32));
    expect(app.depends_on).toEqual(
      expect.arrayContaining([`azurerm_storage_blob.${Object.keys(json.resource?.azurerm_storage_blob ?? {})[0]}`]),
    );
  });

  it("locks the storage account down: TLS 1.2, HTTPS only, no public blobs, no shared keys", () => {
    expect(one(json, "azurerm_storage_account")).toMatchObject({
      account_kind: "StorageV2",
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      infrastructure_encryption_enabled: true,
      local_user_enabled: false,
      cross_tenant_replication_enabled: false,
    });
  });

  it("connects the Functions host to storage and Application Insights by identity, never by key", () => {
    // A blank AzureWebJobsStorage is read as a connection string and breaks start-up (azurerm#29693): never set it.
    expect(settings).not.toHaveProperty("AzureWebJobsStorage");
    expect(settings).toMatchObject({
      AzureWebJobsStorage__accountName: `\${${accountRef}.name}`,
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: identity.clientId,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${identity.clientId};Authorization=AAD`,
    });
    expect(Object.keys(settings)).not.toContain("FUNCTIONS_WORKER_RUNTIME");
    const insightsRef = refOf(json, "azurerm_application_insights", () => true);
    expect((app.site_config as Json).application_insights_connection_string).toBe(
      `\${${insightsRef}.connection_string}`,
    );
    expect(one(json, "azurerm_application_insights").local_authentication_disabled).toBe(true);
  });

  it("has bootstrap grant its identity blob data owner, metrics publisher and Key Vault read, and assigns none itself", () => {
    const kinds = azureWorkloadIdentities(azureNames({ service: "shop", environment: "test", subscriptionId: "s" }));
    expect(kinds.function.roles).toEqual([
      "Storage Blob Data Owner",
      "Monitoring Metrics Publisher",
      "Key Vault Secrets User",
    ]);
    expect(all(json, "azurerm_role_assignment")).toEqual([]);
    expect(json.resource?.azurerm_user_assigned_identity).toBeUndefined();
  });

  it("passes the workload's variables and identity, and the origin secret only when given", () => {
    expect(settings).toMatchObject({
      LOG_LEVEL: "info",
      SERVICE_NAME: "shop",
      SERVICE_VERSION: "1.0.0",
      REGION: "westeurope",
    });
    expect(settings).not.toHaveProperty("ORIGIN_SECRET");
    expect(settings).not.toHaveProperty(WORKLOAD_EXTRA_ENV.originSecretKeyVaultUri);
    expect(settings).not.toHaveProperty(WORKLOAD_EXTRA_ENV.azureClientId);
  });

  it("stores the edge's secret in Key Vault and passes its URI and the user-assigned identity that reads it", () => {
    const withSecret = azureStack({ function: { originSecret: ORIGIN_SECRET_REF } }).json;
    const app = one(withSecret, "azurerm_function_app_flex_consumption");
    const secret = refOf(withSecret, "azurerm_key_vault_secret", () => true);
    const appSettings = app.app_settings as Json;
    // The names the workload reads (app/contract.ts): the secret URI and the identity's client id, no reference.
    expect(appSettings[WORKLOAD_EXTRA_ENV.originSecretKeyVaultUri]).toBe(`\${${secret}.versionless_id}`);
    expect(appSettings[WORKLOAD_EXTRA_ENV.azureClientId]).toBe(identity.clientId);
    expect(appSettings).not.toHaveProperty("ORIGIN_SECRET");
    expect(JSON.stringify(appSettings)).not.toContain("@Microsoft.KeyVault");
    expect(JSON.stringify(app)).not.toContain(ORIGIN_SECRET_REF);
    expect(one(withSecret, "azurerm_key_vault_secret")).toMatchObject({
      name: "ORIGIN-SECRET",
      value: ORIGIN_SECRET_REF,
      key_vault_id: `\${${refOf(withSecret, "azurerm_key_vault", () => true)}.id}`,
    });
    // No system identity, and no grant: the user-assigned identity's Key Vault Secrets User is bootstrap's.
    expect(app.identity).toEqual({ type: "UserAssigned", identity_ids: [identity.id] });
    expect(all(withSecret, "azurerm_role_assignment")).toEqual([]);
  });

  it("exposes the default hostname as an https:// endpoint", () => {
    expect(fn.endpoint).toMatch(/^https:\/\/\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(json.output?.function_endpoint.value).toMatch(
      /^https:\/\/\$\{azurerm_function_app_flex_consumption\.[\w-]+\.default_hostname\}$/,
    );
  });

  it("rejects props that cannot work, listing every problem", () => {
    expect(() =>
      azureStack({
        spec: { minInstances: 5, maxInstances: 2, healthPath: "healthz", environmentVariables: { SERVICE_NAME: "x" } },
      }),
    ).toThrow(
      /: 3 problems:\n {2}- \w+\.service\.minInstances: 5 is greater than maxInstances \(2\)\n {2}- \w+\.SERVICE\.healthPath: "healthz" must be a path starting with "\/"\n {2}- \w+\.SERVICE\.environmentVariables: "SERVICE_NAME" is set by every target/,
    );
    expect(() => azureStack({ spec: { environmentVariables: { FUNCTIONS_WORKER_RUNTIME: "x" } } })).toThrow(
      /SERVICE\.environmentVariables: "FUNCTIONS_WORKER_RUNTIME" is reserved by the Function App/,
    );
  });

  it("protects stateful resources in production", () => {
    const prod = azureStack({ protect: true });
    // The resource group is bootstrap's, protected there.
    for (const type of ["azurerm_log_analytics_workspace", "azurerm_storage_account"]) {
      expect(one(prod.json, type).lifecycle).toEqual({ prevent_destroy: true });
    }
    expect(one(json, "azurerm_storage_account")).not.toHaveProperty("lifecycle");
  });
});
