import { azureStack, one, refOf } from "./helpers";

describe("Azure logs and foundation", () => {
  it("creates one resource group, one workspace-based Log Analytics + Application Insights for both targets", () => {
    const { json } = azureStack();
    expect(one(json, "azurerm_resource_group")).toMatchObject({ name: "rg-hello-test", location: "westeurope" });
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
