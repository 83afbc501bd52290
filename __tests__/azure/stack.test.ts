import type { ServiceSpec } from "../../lib/service";
import {
  COMPANY,
  environmentConfig,
  resourcesOf,
  shippedEnvironments,
  synthEnvironment,
} from "../helpers/environments";
import { parity } from "../parity/azure";
import { azureStack } from "./helpers";

describe("EnvironmentStack with Azure", () => {
  const { stack, json } = synthEnvironment(environmentConfig());

  it("adds both Azure targets as origins with https:// endpoints", () => {
    const azure = stack.origins.filter((o) => o.id.startsWith("azure."));
    expect(azure.map((o) => o.id)).toEqual(["azure.function", "azure.container"]);
    for (const origin of azure) expect(origin.endpoint).toMatch(/^https:\/\/\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(Object.keys(resourcesOf(json, "azurerm_function_app_flex_consumption"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(json, "azurerm_container_app"))).toHaveLength(1);
  });

  it("tags every taggable Azure resource with the standard tags", () => {
    for (const type of ["azurerm_function_app_flex_consumption", "azurerm_container_app", "azurerm_storage_account"]) {
      for (const resource of Object.values(resourcesOf(json, type))) {
        expect(resource.tags).toMatchObject({ environment: "test", service: COMPANY.service, "managed-by": "cdktf" });
      }
    }
  });

  it("makes no identity and assigns one role only: Key Vault Secrets User to the Function App's system identity", () => {
    // Bootstrap makes the identities and their roles (lib/bootstrap/workload/azure.ts).
    expect(resourcesOf(json, "azurerm_user_assigned_identity")).toEqual({});
    expect(resourcesOf(json, "azurerm_federated_identity_credential")).toEqual({});
    const assignments = Object.values(resourcesOf(json, "azurerm_role_assignment"));
    for (const assignment of assignments) {
      expect(assignment).toMatchObject({
        role_definition_name: "Key Vault Secrets User",
        principal_type: "ServicePrincipal",
      });
      expect(String(assignment.principal_id)).toMatch(
        /^\$\{azurerm_function_app_flex_consumption\..+\.identity\[0\]\.principal_id\}$/,
      );
    }
  });

  it("creates nothing on Azure when Azure is not enabled", () => {
    const awsOnly = synthEnvironment(
      environmentConfig({ clouds: ["aws"], azure: undefined, gcp: undefined, weights: { "aws.function": 100 } }),
    );
    expect(Object.keys(awsOnly.json.resource ?? {}).filter((t) => t.startsWith("azurerm_"))).toEqual([]);
    expect(awsOnly.stack.origins.filter((o) => o.id.startsWith("azure."))).toEqual([]);
  });

  it("passes the pipeline's stable revision to the container canary, and refuses a hand-typed one", () => {
    const split = synthEnvironment(environmentConfig({ canaryPercent: 10 }), {
      id: "new",
      stable: { id: "old", revisions: { "azure.container": "abc1234" } },
    });
    const app = Object.values(resourcesOf(split.json, "azurerm_container_app"))[0];
    expect(app.revision_mode).toBe("Multiple");
    expect((app.ingress as { traffic_weight: unknown[] }).traffic_weight).toHaveLength(2);
    expect(() =>
      environmentConfig({
        azure: { location: "westeurope", subscriptionId: "00000000-0000-0000-0000-00000000000a", stableRevision: "a" },
      }),
    ).toThrow(/test\.azure\.stableRevision: is not a known field/);
  });

  it("protects production's stateful Azure resources", () => {
    const prod = shippedEnvironments().find((e) => e.protect && e.clouds.includes("azure"));
    if (prod === undefined) return; // no protected environment on Azure in this configuration
    const prodJson = synthEnvironment(prod).json;
    // The resource group is bootstrap's (protected there when the environment is); this stack only reads it.
    expect(resourcesOf(prodJson, "azurerm_resource_group")).toEqual({});
    // The registry is bootstrap's too (lib/bootstrap/registries/azure.ts), protected there.
    for (const type of ["azurerm_log_analytics_workspace", "azurerm_storage_account"]) {
      expect(Object.keys(resourcesOf(prodJson, type))).toHaveLength(1);
      for (const resource of Object.values(resourcesOf(prodJson, type))) {
        expect(resource.lifecycle).toEqual({ prevent_destroy: true });
      }
    }
  });

  describe("parity: every ServiceSpec field lands on both Azure targets", () => {
    const spec = stack.spec;
    it.each(Object.keys(parity.fields) as (keyof ServiceSpec)[])("%s", (field) => {
      const landing = parity.fields[field](json, spec);
      for (const target of ["function", "container"] as const) {
        const landed = landing[target];
        if ("notApplicable" in landed) {
          expect(landed.notApplicable.length).toBeGreaterThan(10);
        } else if (field === "environmentVariables") {
          expect(landed.value).toMatchObject(spec[field]);
        } else {
          expect(landed.value).toEqual(spec[field]);
        }
      }
    });

    it("reads a live canary split and named secrets back too", () => {
      const withSecrets = azureStack({
        spec: { secretNames: ["DB_PASSWORD"], canaryPercent: 10, memoryMb: 1536 },
        container: { rollout: { newPercent: 10, stable: "abc1234" } },
      });
      const landedSecrets = parity.fields.secretNames(withSecrets.json, spec);
      expect(landedSecrets).toEqual({ function: { value: ["DB_PASSWORD"] }, container: { value: ["DB_PASSWORD"] } });
      expect(parity.fields.canaryPercent(withSecrets.json, spec).container).toEqual({ value: 10 });
      // Flex has 512/2048/4096 MB instances: 1536 lands on 2048; Container Apps has 1.5 GiB.
      expect(parity.fields.memoryMb(withSecrets.json, spec)).toEqual({
        function: { value: 2048 },
        container: { value: 1536 },
      });
    });

    it("covers every ServiceSpec field", () => {
      expect(Object.keys(parity.fields).sort()).toEqual(Object.keys(spec).sort());
    });
  });
});
