import { azureWorkloadIdentities } from "../../lib/azure/identity";
import { azureNames } from "../../lib/azure/naming";
import { BODY_LIMIT } from "../../lib/service";
import { all, azureStack, identityOf, ORIGIN_SECRET_REF, one, refOf, SETTINGS } from "./helpers";

type Json = Record<string, unknown>;
type Weight = { latest_revision?: boolean; revision_suffix?: string; percentage: number; label?: string };

const ingressOf = (app: Json) => app.ingress as Json;
const weightsOf = (app: Json) => ingressOf(app).traffic_weight as Weight[];
const containerOf = (app: Json) => ((app.template as Json).container as Json[])[0];
const sum = (weights: Weight[]) => weights.reduce((total, w) => total + w.percentage, 0);

describe("Azure ContainerTarget", () => {
  const { json } = azureStack();
  const app = one(json, "azurerm_container_app");
  const container = containerOf(app);
  const identity = identityOf(json, "-container");
  // Bootstrap's registry (lib/bootstrap/registries/azure.ts), named by the stack.
  const registry = {
    name: azureNames({ service: "shop", environment: "test", subscriptionId: SETTINGS.subscriptionId })
      .containerRegistry,
  };

  it("runs in a Container Apps environment that logs to the Log Analytics workspace", () => {
    const workspaceRef = refOf(json, "azurerm_log_analytics_workspace", () => true);
    expect(one(json, "azurerm_container_app_environment")).toMatchObject({
      log_analytics_workspace_id: `\${${workspaceRef}.id}`,
      logs_destination: "log-analytics",
    });
    expect(app.container_app_environment_id).toBe(
      `\${${refOf(json, "azurerm_container_app_environment", () => true)}.id}`,
    );
  });

  it("exposes external HTTPS ingress only, on the spec's port", () => {
    expect(ingressOf(app)).toMatchObject({
      external_enabled: true,
      allow_insecure_connections: false,
      target_port: 8080,
      transport: "auto",
    });
  });

  it("probes the health path on the container port: startup, readiness and liveness", () => {
    for (const kind of ["startup_probe", "readiness_probe", "liveness_probe"]) {
      expect(container[kind]).toEqual([expect.objectContaining({ transport: "HTTP", port: 8080, path: "/healthz" })]);
    }
  });

  it("scales between the spec's bounds with an HTTP concurrency rule", () => {
    expect(app.template).toMatchObject({
      min_replicas: 1,
      max_replicas: 4,
      http_scale_rule: [{ name: "http-concurrency", concurrent_requests: "50" }],
    });
    const custom = azureStack({ spec: { minInstances: 0, maxInstances: 300 }, container: { concurrentRequests: 20 } });
    expect(one(custom.json, "azurerm_container_app").template).toMatchObject({
      max_replicas: 300,
      http_scale_rule: [{ concurrent_requests: "20" }],
    });
    expect(() => azureStack({ spec: { maxInstances: 301 } })).toThrow(
      /\.service\.maxInstances: 301 is above the maximum of 300 on Container Apps/,
    );
  });

  it("sizes the container in consumption-profile steps (1 vCPU : 2 GiB)", () => {
    expect(container).toMatchObject({ cpu: 0.25, memory: "0.5Gi" });
    const bigger = containerOf(one(azureStack({ spec: { memoryMb: 1536 } }).json, "azurerm_container_app"));
    expect(bigger).toMatchObject({ cpu: 0.75, memory: "1.5Gi" });
  });

  it("pulls the spec's repository and tag from its own registry with its managed identity", () => {
    expect(container.image).toBe(`${registry.name}.azurecr.io/example/shop:1.0.0`);
    expect(app.identity).toEqual({ type: "UserAssigned", identity_ids: [identity.id] });
    expect(app.registry).toEqual([{ server: `${registry.name}.azurecr.io`, identity: identity.id }]);
    expect(JSON.stringify(app.registry)).not.toMatch(/password|username/);
    // AcrPull (and Key Vault Secrets User) on the group: bootstrap's (lib/bootstrap/workload/azure.ts), not the stack's.
    expect(all(json, "azurerm_role_assignment")).toEqual([]);
    const kinds = azureWorkloadIdentities(azureNames({ service: "shop", environment: "test", subscriptionId: "s" }));
    expect(kinds.container.roles).toEqual(["AcrPull", "Key Vault Secrets User"]);
  });

  it("creates no registry: bootstrap's, named by the stack; a state from before forgets it", () => {
    const prod = azureStack({ protect: true }).json;
    for (const stack of [json, prod]) expect(all(stack, "azurerm_container_registry")).toEqual([]);
    expect((prod as { removed?: unknown }).removed).toEqual([
      { from: expect.stringMatching(/^azurerm_container_registry\./), lifecycle: { destroy: false } },
    ]);
  });

  it("passes the workload's variables, PORT, and the origin secret as a Container Apps secret", () => {
    expect(container.env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: BODY_LIMIT.envVar, value: String(BODY_LIMIT.defaultBytes) },
      { name: "RELEASE_ID", value: "local" },
      { name: "SERVICE_NAME", value: "shop" },
      { name: "SERVICE_VERSION", value: "1.0.0" },
      { name: "SERVICE_ENVIRONMENT", value: "test" },
      { name: "REGION", value: "westeurope" },
      { name: "CLOUD", value: "azure" },
      { name: "PORT", value: "8080" },
    ]);
    expect(app).not.toHaveProperty("secret");
  });

  it("reads the edge's secret from Key Vault by reference with its identity, never as a plain app secret", () => {
    const stack = azureStack({ container: { originSecret: ORIGIN_SECRET_REF } }).json;
    const withSecret = one(stack, "azurerm_container_app");
    const stored = refOf(stack, "azurerm_key_vault_secret", () => true);
    expect(withSecret.secret).toEqual([
      { name: "origin-secret", key_vault_secret_id: `\${${stored}.versionless_id}`, identity: identity.id },
    ]);
    expect(JSON.stringify(withSecret)).not.toContain(ORIGIN_SECRET_REF);
    expect(one(stack, "azurerm_key_vault_secret")).toMatchObject({ name: "ORIGIN-SECRET", value: ORIGIN_SECRET_REF });
    expect(containerOf(withSecret).env).toContainEqual({ name: "ORIGIN_SECRET", secret_name: "origin-secret" });
    // The identity's vault read is bootstrap's, made before any stack applies: nothing to wait for here.
    expect(all(stack, "azurerm_role_assignment")).toEqual([]);
  });

  it("stores a secret the function and the container both read once", () => {
    const both = azureStack({
      function: { originSecret: ORIGIN_SECRET_REF },
      container: { originSecret: ORIGIN_SECRET_REF },
    }).json;
    expect(all(both, "azurerm_key_vault_secret")).toHaveLength(1);
    const uri = (one(both, "azurerm_container_app").secret as { key_vault_secret_id: string }[])[0].key_vault_secret_id;
    const setting = (one(both, "azurerm_function_app_flex_consumption").app_settings as Record<string, string>)
      .ORIGIN_SECRET_KEYVAULT_URI;
    expect(setting).toBe(uri);
  });

  describe("traffic", () => {
    it("without a canary: revision mode Single, all traffic to the latest revision", () => {
      expect(app.revision_mode).toBe("Single");
      expect(weightsOf(app)).toEqual([{ latest_revision: true, percentage: 100 }]);
    });

    it("with a canary but no stable revision yet: no split (a split needs two revisions that exist)", () => {
      const canaryOnly = one(azureStack({ spec: { canaryPercent: 10 } }).json, "azurerm_container_app");
      expect(canaryOnly.revision_mode).toBe("Single");
      expect(weightsOf(canaryOnly)).toEqual([{ latest_revision: true, percentage: 100 }]);
    });

    it("with a canary and a stable revision: Multiple, canary% to latest, the rest to stable, summing to 100", () => {
      for (const [canary, stable] of [
        [10, "0a1b2c3"],
        [5, "v1-stable"],
        [50, "abc"],
      ] as const) {
        const split = one(
          azureStack({ spec: { canaryPercent: canary }, container: { rollout: { newPercent: canary, stable } } }).json,
          "azurerm_container_app",
        );
        expect(split.revision_mode).toBe("Multiple");
        expect(weightsOf(split)).toEqual([
          { latest_revision: true, percentage: canary, label: "canary" },
          { revision_suffix: stable, percentage: 100 - canary, label: "stable" },
        ]);
        expect(sum(weightsOf(split))).toBe(100);
      }
    });

    it("promote keeps the stable revision at 0% (a rollback is a traffic change); rollback sends it 100%", () => {
      const app = (newPercent: number) =>
        one(azureStack({ container: { rollout: { newPercent, stable: "0a1b2c3" } } }).json, "azurerm_container_app");
      expect(weightsOf(app(100))).toEqual([
        { latest_revision: true, percentage: 100, label: "canary" },
        { revision_suffix: "0a1b2c3", percentage: 0, label: "stable" },
      ]);
      expect(weightsOf(app(0))).toEqual([
        { latest_revision: true, percentage: 0, label: "canary" },
        { revision_suffix: "0a1b2c3", percentage: 100, label: "stable" },
      ]);
    });

    it("rejects a stable revision that is not a revision suffix", () => {
      expect(() => azureStack({ container: { rollout: { newPercent: 10, stable: "Bad--Suffix" } } })).toThrow(
        /stable revision "Bad--Suffix" is not a revision suffix/,
      );
    });
  });

  it("exposes the ingress FQDN as an https:// endpoint and outputs where CI pushes", () => {
    expect(json.output?.container_endpoint.value).toMatch(
      /^https:\/\/\$\{azurerm_container_app\.[\w-]+\.ingress\[0\]\.fqdn\}$/,
    );
    expect(json.output?.azure_registry_login_server.value).toBe(`${registry.name}.azurecr.io`);
    expect(json.output?.azure_container_image.value).toBe(container.image);
    expect(json.output?.azure_container_latest_revision.value).toMatch(/\.latest_revision_name\}$/);
  });
});
