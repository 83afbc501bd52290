import { bootstrap } from "../../environments/bootstrap";
import { azureWorkloadIdentities } from "../../lib/azure/identity";
import { azureNames } from "../../lib/azure/naming";
import { environmentStateLocation } from "../../lib/backend";
import {
  AZURE_PLAN_REFRESH_ACTIONS,
  AZURE_RESOURCE_PROVIDERS,
  azureDeployRoleName,
  azureIdentityGrants,
  azurePlanRefreshRoleName,
  azureResourceGroupName,
} from "../../lib/bootstrap/azure";
import { loadBootstrap } from "../../lib/config/bootstrap";
import type { AzureStateLocation } from "../../lib/config/state";
import type { IdentityPurpose } from "../../lib/identity";
import { grantsAllowing } from "../../lib/permissions/coverage";
import { azureStack } from "../azure/helpers";
import { shippedEnvironments, synthEnvironment } from "../helpers/environments";
import { all, referenced, type TerraformJson } from "../helpers/terraform";
import {
  applicationName,
  audiencesOf,
  azureCanSignIn,
  bootstrapConfig,
  bootstrapInput,
  type Claims,
  HOST,
  SERVICE,
  synthBootstrap,
  token,
  twoEnvironments,
} from "./helpers";

const aud = audiencesOf("azure");

/** Whether `claims` can sign in as the application named `name` (any of its credentials). */
function canSignIn(json: TerraformJson, name: string, claims: Claims): boolean {
  return azureCanSignIn(json, HOST, name, claims);
}

const app = (env: string, purpose: string) => `gitlab-ci-acme-platform-blueprint-${env}-${purpose}`;

describe("bootstrap on Azure", () => {
  const json = synthBootstrap();

  it("gives every environment a plan, a deploy and a publish application, each with a service principal", () => {
    const names = all(json, "azuread_application").map((a) => a.display_name);
    expect(names.sort()).toEqual([
      app("dev", "deploy"),
      app("dev", "plan"),
      app("dev", "publish"),
      app("prod", "deploy"),
      app("prod", "plan"),
      app("prod", "publish"),
    ]);
    const principals = all(json, "azuread_service_principal").map((sp) => referenced(json, sp.client_id));
    expect(principals.map((p) => `${p.resource.display_name}.${p.attribute}`).sort()).toEqual(
      names.sort().map((name) => `${name}.client_id`),
    );
  });

  it("trusts the deploy application from the default branch only, with its own audience, by exact subject", () => {
    for (const env of ["dev", "prod"]) {
      const own = aud(env, "deploy");
      expect(canSignIn(json, app(env, "deploy"), token(own))).toBe(true);
      expect(canSignIn(json, app(env, "deploy"), token(own, { ref: "feature/x", ref_protected: "false" }))).toBe(false);
      expect(canSignIn(json, app(env, "deploy"), token(own, { ref_type: "tag" }))).toBe(false);
      expect(canSignIn(json, app(env, "deploy"), token(aud(env, "plan")))).toBe(false);
      expect(canSignIn(json, app(env, "deploy"), token("api://AzureADTokenExchange"))).toBe(false);
    }
    expect(canSignIn(json, app("prod", "deploy"), token(aud("dev", "deploy")))).toBe(false);
    const exact = all(json, "azuread_application_federated_identity_credential");
    // Both deploy and publish identities, and the protected environment's plan identity.
    expect(exact.map((c) => applicationName(json, c.application_id)).sort()).toEqual([
      app("dev", "deploy"),
      app("dev", "publish"),
      app("prod", "deploy"),
      app("prod", "plan"),
      app("prod", "publish"),
    ]);
    for (const credential of exact) {
      const [env, purpose] = applicationName(json, credential.application_id).split("-").slice(-2);
      expect(credential).toMatchObject({
        issuer: `https://${HOST}`,
        audiences: [aud(env, purpose as IdentityPurpose)],
        subject: "project_path:acme/platform/blueprint:ref_type:branch:ref:main",
      });
      expect(credential.subject).not.toMatch(/[*?]/);
    }
  });

  it("trusts an unprotected environment's plan application from any branch of the project, through a flexible credential", () => {
    const dev = aud("dev", "plan");
    expect(canSignIn(json, app("dev", "plan"), token(dev, { ref: "feature/x", ref_protected: "false" }))).toBe(true);
    expect(canSignIn(json, app("dev", "plan"), token(dev))).toBe(true);
    expect(canSignIn(json, app("dev", "plan"), token(dev, { ref_type: "tag", ref: "v1" }))).toBe(false);
    expect(canSignIn(json, app("dev", "plan"), token(aud("prod", "plan"), { ref: "feature/x" }))).toBe(false);
    expect(
      all(json, "azuread_application_flexible_federated_identity_credential").map((c) => [
        c.audience,
        c.claims_matching_expression,
      ]),
    ).toEqual([[dev, "claims['sub'] matches 'project_path:acme/platform/blueprint:ref_type:branch:ref:*'"]]);
    // The protected environment's plan identity: the default branch only.
    expect(canSignIn(json, app("prod", "plan"), token(aud("prod", "plan")))).toBe(true);
    expect(
      canSignIn(json, app("prod", "plan"), token(aud("prod", "plan"), { ref: "feature/x", ref_protected: "false" })),
    ).toBe(false);
  });

  it("lets no other project or audience sign in to anything", () => {
    for (const application of all(json, "azuread_application")) {
      const name = application.display_name as string;
      const [env, purpose] = name.split("-").slice(-2);
      const own = aud(env, purpose as "plan" | "deploy");
      expect(canSignIn(json, name, token(own))).toBe(true);
      for (const project_path of ["acme/platform/blueprint-fork", "acme/platform", "evil/blueprint"]) {
        expect(canSignIn(json, name, token(own, { project_path }))).toBe(false);
        expect(canSignIn(json, name, token(own, { project_path, ref: "feature" }))).toBe(false);
      }
      expect(canSignIn(json, name, token("sts.amazonaws.com"))).toBe(false);
    }
  });

  it("locks the protected environment's resource group against deletion", () => {
    const locks = all(json, "azurerm_management_lock");
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ lock_level: "CanNotDelete" });
    expect(referenced(json, locks[0].scope).resource.name).toBe(`rg-${SERVICE}-prod`);
    expect(locks[0].provider).toBe(referenced(json, locks[0].scope).resource.provider);
  });

  it("falls back to an exact default-branch credential for plan when flexible credentials are off", () => {
    const envs = twoEnvironments();
    const exact = synthBootstrap(
      bootstrapConfig(
        envs,
        bootstrapInput(["dev", "prod"], {
          azure: { tenantId: "00000000-0000-0000-0000-0000000000aa", flexibleCredentials: false },
        }),
      ),
    );
    expect(exact.resource?.azuread_application_flexible_federated_identity_credential).toBeUndefined();
    expect(canSignIn(exact, app("dev", "plan"), token(aud("dev", "plan")))).toBe(true);
    expect(canSignIn(exact, app("dev", "plan"), token(aud("dev", "plan"), { ref: "feature/x" }))).toBe(false);
  });

  it("creates each environment's resource group in its subscription and scopes every role assignment to it", () => {
    const groups = all(json, "azurerm_resource_group");
    expect(groups.map((g) => `${g.name}@${g.provider}`).sort()).toEqual([
      `rg-${SERVICE}-dev@azurerm.subscription-00000000-0000-0000-0000-000000000001`,
      `rg-${SERVICE}-prod@azurerm.subscription-00000000-0000-0000-0000-000000000003`,
    ]);
    // Destroying bootstrap must not delete a protected environment's workload.
    expect(groups.map((g) => [g.name, g.lifecycle])).toEqual([
      [`rg-${SERVICE}-dev`, undefined],
      [`rg-${SERVICE}-prod`, { prevent_destroy: true }],
    ]);
    const principalOf = (reference: unknown) => {
      const target = referenced(json, reference);
      // A CI identity's service principal, or a workload's user-assigned identity (made here too).
      return target.type === "azurerm_user_assigned_identity"
        ? target.resource.name
        : referenced(json, target.resource.client_id).resource.display_name;
    };
    const assignments = all(json, "azurerm_role_assignment").map((a) => ({
      group: referenced(json, a.scope).resource.name,
      principal: principalOf(a.principal_id),
      role: a.role_definition_name ?? referenced(json, a.role_definition_id).resource.name,
      provider: a.provider,
      principalType: a.principal_type,
    }));
    for (const a of assignments) {
      expect(a.principalType).toBe("ServicePrincipal");
      // An identity of dev holds roles on dev's group only, through dev's subscription.
      const env = (a.principal as string).includes("-dev-") ? "dev" : "prod";
      expect(a.group).toBe(`rg-${SERVICE}-${env}`);
      expect(a.provider).toMatch(env === "dev" ? /0001$/ : /0003$/);
    }
    const rolesOf = (principal: string) =>
      assignments
        .filter((a) => a.principal === principal)
        .map((a) => a.role)
        .sort();
    expect(rolesOf(app("prod", "plan"))).toEqual([
      azurePlanRefreshRoleName(SERVICE, "00000000-0000-0000-0000-000000000003"),
      "Key Vault Secrets User",
      "Reader",
      "Storage Blob Data Reader",
    ]);
    expect(rolesOf(app("prod", "deploy"))).toEqual([
      azureDeployRoleName(SERVICE, "00000000-0000-0000-0000-000000000003"),
      "Key Vault Secrets Officer",
      "Storage Blob Data Contributor",
    ]);
    // Publish pushes to the group's one registry (the environment's) and does nothing else.
    expect(rolesOf(app("prod", "publish"))).toEqual(["AcrPush"]);
    // The workload's identities, with the roles the targets need, on their own group.
    const names = azureNames({
      service: SERVICE,
      environment: "prod",
      subscriptionId: "00000000-0000-0000-0000-000000000003",
    });
    for (const identity of Object.values(azureWorkloadIdentities(names))) {
      expect(rolesOf(identity.name)).toEqual([...identity.roles].sort());
    }
    expect(assignments.some((a) => /^(Owner|Contributor|User Access Administrator)$/.test(a.role as string))).toBe(
      false,
    );
  });

  it("gives plan identities a custom role of exactly the refresh calls Reader misses, per subscription", () => {
    const definitions = all(json, "azurerm_role_definition").filter((d) =>
      String(d.name).startsWith("CI plan refresh"),
    );
    expect(definitions.map((d) => d.scope).sort()).toEqual([
      "/subscriptions/00000000-0000-0000-0000-000000000001",
      "/subscriptions/00000000-0000-0000-0000-000000000003",
    ]);
    for (const definition of definitions) {
      expect(definition.permissions).toEqual([{ actions: [...AZURE_PLAN_REFRESH_ACTIONS] }]);
      expect(definition.assignable_scopes).toEqual([definition.scope]);
      expect(JSON.stringify(definition.permissions)).not.toContain("*");
    }
    // Held by plan identities only.
    const holders = all(json, "azurerm_role_assignment")
      .filter(
        (a) =>
          a.role_definition_id !== undefined &&
          String(referenced(json, a.role_definition_id).resource.name).startsWith("CI plan refresh"),
      )
      .map((a) => referenced(json, referenced(json, a.principal_id).resource.client_id).resource.display_name);
    expect(holders.sort()).toEqual([app("dev", "plan"), app("prod", "plan")].sort());
  });

  it("gives no CI identity a role that writes or deletes role assignments, and the workload's identities their Key Vault read", () => {
    const admin = all(json, "azurerm_role_assignment").filter((a) =>
      /^(Role Based Access Control Administrator|User Access Administrator|Owner)$/.test(
        String(a.role_definition_name),
      ),
    );
    expect(admin).toEqual([]);
    for (const purpose of ["plan", "deploy", "publish"] as const) {
      for (const action of [
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
      ]) {
        const holders = grantsAllowing(azureIdentityGrants(purpose), action);
        expect({ purpose, action, holders: holders.map((g) => g.name) }).toEqual({ purpose, action, holders: [] });
      }
    }
    // The function reads its secrets with its user-assigned identity, as the container does: both read on the group.
    const names = azureNames({
      service: SERVICE,
      environment: "prod",
      subscriptionId: "00000000-0000-0000-0000-000000000003",
    });
    const readers = all(json, "azurerm_role_assignment")
      .filter((a) => a.role_definition_name === "Key Vault Secrets User")
      .map((a) => referenced(json, a.principal_id))
      .filter((p) => p.type === "azurerm_user_assigned_identity")
      .map((p) => p.resource.name);
    expect(readers).toEqual(expect.arrayContaining([names.functionIdentity, names.containerIdentity]));
  });

  it("signs in to the tenant from the config and registers the environments' resource providers without a blanket registration", () => {
    expect(json.provider?.azuread).toEqual([{ tenant_id: "00000000-0000-0000-0000-0000000000aa" }]);
    for (const provider of json.provider?.azurerm ?? []) {
      expect(provider).toMatchObject({
        resource_provider_registrations: "none",
        tenant_id: "00000000-0000-0000-0000-0000000000aa",
      });
      expect(provider.resource_providers_to_register).toEqual(
        expect.arrayContaining(["Microsoft.App", "Microsoft.Web"]),
      );
    }
  });
});

describe("the Azure resource group, between bootstrap and the environment stacks", () => {
  it("is named by lib/azure's azureNames for both", () => {
    for (const [service, environment, subscriptionId] of [
      [SERVICE, "dev", "00000000-0000-0000-0000-000000000001"],
      ["a-very-long-service-name-for-tests", "an-environment-of-twenty", "00000000-0000-0000-0000-000000000003"],
    ]) {
      expect(azureResourceGroupName(service, environment, subscriptionId)).toBe(
        azureNames({ service, environment, subscriptionId }).resourceGroup,
      );
    }
  });

  it("is created by bootstrap and only read by each shipped environment, in the same subscription and location", () => {
    const envs = shippedEnvironments();
    const boot = synthBootstrap(loadBootstrap(bootstrap, envs));
    // A protected environment whose state is in Azure also gets its state store's own group (lib/bootstrap/state/azure.ts).
    const stateGroups = new Set(
      envs
        .filter((env) => environmentStateLocation(env)?.cloud === "azure")
        .map((env) => (environmentStateLocation(env) as AzureStateLocation).resourceGroupName),
    );
    const created = all(boot, "azurerm_resource_group")
      .filter((g) => !stateGroups.has(String(g.name)))
      .map((g) => ({
        name: g.name,
        location: g.location,
        subscription: String(g.provider).replace("azurerm.subscription-", ""),
      }));
    const azureEnvs = envs.filter((env) => env.clouds.includes("azure"));
    if (azureEnvs.length === 0) return; // Azure is off in this configuration: nothing to hand over
    const read = azureEnvs.map((env) => {
      const { json } = synthEnvironment(env);
      expect(json.resource?.azurerm_resource_group).toBeUndefined();
      const groups = Object.values(json.data?.azurerm_resource_group ?? {});
      expect(groups).toHaveLength(1);
      const workspace = all(json, "azurerm_log_analytics_workspace")[0];
      // The group the resources are put in is the one the data source reads.
      expect(workspace.resource_group_name).toBe(groups[0].name);
      return {
        name: groups[0].name,
        location: workspace.location,
        subscription: json.provider?.azurerm[0].subscription_id,
      };
    });
    const byName = (a: { name: unknown }, b: { name: unknown }) => String(a.name).localeCompare(String(b.name));
    expect(read.sort(byName)).toEqual(created.sort(byName));
  });
});

describe("the Azure resource providers, between bootstrap and the environment stacks", () => {
  /** Namespace of each azurerm type lib/azure uses; Microsoft.Authorization and Microsoft.Resources are always registered. */
  const NAMESPACE: Readonly<Record<string, string>> = {
    azurerm_application_insights: "Microsoft.Insights",
    azurerm_container_app: "Microsoft.App",
    azurerm_container_app_environment: "Microsoft.App",
    azurerm_container_registry: "Microsoft.ContainerRegistry",
    azurerm_function_app_flex_consumption: "Microsoft.Web",
    azurerm_key_vault: "Microsoft.KeyVault",
    azurerm_log_analytics_workspace: "Microsoft.OperationalInsights",
    azurerm_role_assignment: "Microsoft.Authorization",
    azurerm_service_plan: "Microsoft.Web",
    azurerm_storage_account: "Microsoft.Storage",
    azurerm_storage_blob: "Microsoft.Storage",
    azurerm_storage_container: "Microsoft.Storage",
    azurerm_user_assigned_identity: "Microsoft.ManagedIdentity",
  };
  const ALWAYS_REGISTERED = ["Microsoft.Authorization", "Microsoft.Resources"];

  it("registers every namespace the environment stack uses, which registers none itself", () => {
    // With secrets, so the Key Vault is there too.
    const { json } = azureStack({ spec: { secretNames: ["DB_PASSWORD"] } });
    const types = Object.keys(json.resource ?? {}).filter((type) => type.startsWith("azurerm_"));
    const unmapped = types.filter((type) => NAMESPACE[type] === undefined);
    // A new type: add its namespace here and, unless always registered, to AZURE_RESOURCE_PROVIDERS.
    expect(unmapped).toEqual([]);
    const needed = new Set(types.map((type) => NAMESPACE[type]));
    const registered = new Set<string>([...AZURE_RESOURCE_PROVIDERS, ...ALWAYS_REGISTERED]);
    expect([...needed].filter((namespace) => !registered.has(namespace))).toEqual([]);
    expect(needed.has("Microsoft.KeyVault")).toBe(true);
  });
});
