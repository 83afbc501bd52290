import { all, azureStack, identityOf, one, refOf } from "./helpers";

type Json = Record<string, unknown>;

describe("Azure secrets (ServiceSpec.secretNames)", () => {
  it("creates no Key Vault when the service names no secrets", () => {
    const { json } = azureStack();
    expect(all(json, "azurerm_key_vault")).toEqual([]);
    // No vault, so no tenant to read; the package uploader's data role is bootstrap's.
    expect(json.data?.azurerm_client_config).toBeUndefined();
  });

  it("references each named secret in an RBAC Key Vault from both targets, never a value", () => {
    const { json } = azureStack({ spec: { secretNames: ["DB_PASSWORD", "API_KEY"] } });
    const vaultRef = refOf(json, "azurerm_key_vault", () => true);
    expect(one(json, "azurerm_key_vault")).toMatchObject({
      rbac_authorization_enabled: true,
      sku_name: "standard",
      purge_protection_enabled: false,
      soft_delete_retention_days: 7,
    });
    const settings = one(json, "azurerm_function_app_flex_consumption").app_settings as Record<string, string>;
    // The function reads it itself, with its user-assigned identity: `<NAME>_KEYVAULT_URI`, no reference.
    expect(settings).not.toHaveProperty("DB_PASSWORD");
    expect(settings.DB_PASSWORD_KEYVAULT_URI).toBe(`\${${vaultRef}.vault_uri}secrets/DB-PASSWORD`);
    expect(settings.AZURE_CLIENT_ID).toBe(identityOf(json, "-function").clientId);
    const app = one(json, "azurerm_container_app");
    const identity = identityOf(json, "-container");
    expect(app.secret).toEqual([
      {
        name: "db-password",
        key_vault_secret_id: `\${${vaultRef}.vault_uri}secrets/DB-PASSWORD`,
        identity: identity.id,
      },
      {
        name: "api-key",
        key_vault_secret_id: `\${${vaultRef}.vault_uri}secrets/API-KEY`,
        identity: identity.id,
      },
    ]);
    const env = ((app.template as Json).container as Json[])[0].env as Json[];
    expect(env).toEqual(expect.arrayContaining([{ name: "DB_PASSWORD", secret_name: "db-password" }]));
    // Both identities' reads are bootstrap's (on the group): the stack assigns no role.
    expect(all(json, "azurerm_role_assignment")).toEqual([]);
    expect((one(json, "azurerm_function_app_flex_consumption").identity as Json).type).toBe("UserAssigned");
  });

  it("protects the vault in production: purge protection, 90-day soft delete", () => {
    const { json } = azureStack({ spec: { secretNames: ["DB_PASSWORD"] }, protect: true });
    expect(one(json, "azurerm_key_vault")).toMatchObject({
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      lifecycle: { prevent_destroy: true },
    });
  });

  it("rejects names that cannot be environment variables", () => {
    expect(() => azureStack({ spec: { secretNames: ["db-password"] } })).toThrow(/must be environment variable names/);
  });
});
