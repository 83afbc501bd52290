import { azureNames } from "../../lib/azure/naming";
import { azureStack, one, refOf, SETTINGS } from "./helpers";

describe("Azure logs and foundation", () => {
  it("reads the resource group bootstrap creates and puts every resource in it, creating no group", () => {
    const { json } = azureStack();
    expect(json.resource?.azurerm_resource_group).toBeUndefined();
    // The same function names it for bootstrap (lib/bootstrap/azure.ts).
    const group = azureNames({ service: "shop", environment: "test", subscriptionId: SETTINGS.subscriptionId });
    expect(Object.values(json.data?.azurerm_resource_group ?? {})).toEqual([{ name: group.resourceGroup }]);
    expect(group.resourceGroup).toBe("rg-shop-test");
    const placed = Object.entries(json.resource ?? {}).flatMap(([type, resources]) =>
      Object.values(resources)
        .filter((r) => "resource_group_name" in r)
        .map((r) => ({ type, group: r.resource_group_name, location: r.location ?? "westeurope" })),
    );
    // Storage, plan, function, environment, container app, workspace, insights (identities and registry are bootstrap's).
    expect(new Set(placed.map((p) => p.type)).size).toBeGreaterThanOrEqual(7);
    for (const p of placed) expect(p).toEqual({ type: p.type, group: "rg-shop-test", location: "westeurope" });
  });

  it("creates one workspace-based Log Analytics + Application Insights for both targets", () => {
    const { json } = azureStack();
    const workspaceRef = refOf(json, "azurerm_log_analytics_workspace", () => true);
    expect(one(json, "azurerm_log_analytics_workspace")).toMatchObject({ sku: "PerGB2018", retention_in_days: 30 });
    expect(one(json, "azurerm_application_insights")).toMatchObject({
      application_type: "web",
      workspace_id: `\${${workspaceRef}.id}`,
      retention_in_days: 30,
      local_authentication_disabled: true,
    });
  });

  it("keeps logs for the spec's retention (raised to Azure's minimum of 30 days)", () => {
    const ninety = azureStack({ spec: { logRetentionDays: 90 } }).json;
    expect(one(ninety, "azurerm_log_analytics_workspace").retention_in_days).toBe(90);
    expect(one(ninety, "azurerm_application_insights").retention_in_days).toBe(90);
    expect(
      one(azureStack({ spec: { logRetentionDays: 7 } }).json, "azurerm_log_analytics_workspace").retention_in_days,
    ).toBe(30);
  });

  it("refuses two targets of one stack that disagree about the shared foundation", () => {
    expect(() => azureStack({ container: { protect: true } })).toThrow(/share one foundation; they differ in protect/);
  });
});
