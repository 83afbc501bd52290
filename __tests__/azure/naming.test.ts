import {
  type AzureNames,
  azureNames,
  NAME_RULES,
  type NameInputs,
  nameHash,
  nameProblems,
  RULE_OF,
} from "../../lib/azure/naming";
import { azureStack, one } from "./helpers";

const SUBSCRIPTION = "00000000-0000-0000-0000-00000000000a";

const CASES: Record<string, NameInputs> = {
  shipped: { service: "shop", environment: "prod", subscriptionId: SUBSCRIPTION },
  "longest config allows (16-char service, 20-char environment)": {
    service: "abcdefghijklmnop",
    environment: "a-very-long-env-name",
    subscriptionId: SUBSCRIPTION,
  },
  "far past every limit": {
    service: "a-service-name-far-longer-than-any-azure-limit-allows-at-all",
    environment: "an-environment-name-that-is-also-much-too-long-for-azure",
    subscriptionId: SUBSCRIPTION,
  },
  "shortest allowed": { service: "abc", environment: "qa", subscriptionId: SUBSCRIPTION },
};

function problemsOf(names: AzureNames): string[] {
  return (Object.keys(RULE_OF) as (keyof AzureNames)[]).flatMap((key) =>
    nameProblems(names[key], NAME_RULES[RULE_OF[key]]).map((p) => `${key} "${names[key]}" ${p}`),
  );
}

describe("Azure names", () => {
  it.each(Object.entries(CASES))("are valid for every Azure rule: %s", (_, inputs) => {
    expect(problemsOf(azureNames(inputs))).toEqual([]);
  });

  it("read as service and environment for the shipped names", () => {
    expect(azureNames(CASES.shipped)).toMatchObject({
      resourceGroup: "rg-shop-prod",
      containerApp: "ca-shop-prod",
      functionApp: `func-shop-prod-${nameHash(CASES.shipped)}`,
      storageAccount: `stshopprod${nameHash(CASES.shipped)}`,
      containerRegistry: `crshopprod${nameHash(CASES.shipped)}`,
    });
  });

  it("are stable: the same inputs give the same names", () => {
    for (const inputs of Object.values(CASES)) expect(azureNames({ ...inputs })).toEqual(azureNames(inputs));
  });

  it("give globally unique names a suffix from subscription, environment and service", () => {
    const base = azureNames(CASES.shipped);
    const otherSubscription = azureNames({ ...CASES.shipped, subscriptionId: "00000000-0000-0000-0000-00000000000b" });
    const otherEnvironment = azureNames({ ...CASES.shipped, environment: "staging" });
    for (const key of ["storageAccount", "containerRegistry", "functionApp", "keyVault"] as const) {
      expect(otherSubscription[key]).not.toBe(base[key]);
      expect(otherEnvironment[key]).not.toBe(base[key]);
    }
  });

  it("keep two long names apart when shortening makes their readable parts equal", () => {
    const a = azureNames({
      ...CASES["far past every limit"],
      environment: "an-environment-name-that-is-also-much-too-long-one",
    });
    const b = azureNames({
      ...CASES["far past every limit"],
      environment: "an-environment-name-that-is-also-much-too-long-two",
    });
    for (const key of Object.keys(RULE_OF) as (keyof AzureNames)[]) {
      if (key !== "storageContainer") expect(a[key]).not.toBe(b[key]);
    }
  });

  it("reject what Azure rejects (the rules themselves are tested)", () => {
    expect(nameProblems("UPPERCASE1234", NAME_RULES.storageAccount)).toHaveLength(1);
    expect(nameProblems("a".repeat(25), NAME_RULES.storageAccount)).toHaveLength(1);
    expect(nameProblems("ca--shop", NAME_RULES.containerApp)).toHaveLength(1);
    expect(nameProblems("a".repeat(33), NAME_RULES.containerApp)).toHaveLength(1);
    expect(nameProblems("1app", NAME_RULES.containerApp)).toHaveLength(1);
    expect(nameProblems("cr-shop", NAME_RULES.containerRegistry)).toHaveLength(1);
  });

  it("reach the synthesized resources, valid for a long service and environment, stable across synths", () => {
    // The longest names the configuration allows (16 and 20 characters).
    const spec = { name: "a-long-service-n", environment: "an-environment-of-20" };
    const first = azureStack({ spec }).json;
    const second = azureStack({ spec }).json;
    const names = azureNames({ service: spec.name, environment: spec.environment, subscriptionId: SUBSCRIPTION });
    expect(problemsOf(names)).toEqual([]);
    const synthesized = {
      resourceGroup: Object.values(first.data?.azurerm_resource_group ?? {})[0]?.name,
      storageAccount: one(first, "azurerm_storage_account").name,
      functionApp: one(first, "azurerm_function_app_flex_consumption").name,
      containerApp: one(first, "azurerm_container_app").name,
      // Bootstrap's registry: the stack pulls from it by this name.
      containerRegistry: String(first.output?.azure_registry_login_server.value).replace(/\.azurecr\.io$/, ""),
      containerAppEnvironment: one(first, "azurerm_container_app_environment").name,
      logAnalytics: one(first, "azurerm_log_analytics_workspace").name,
      servicePlan: one(first, "azurerm_service_plan").name,
    };
    expect(synthesized).toEqual(
      Object.fromEntries(Object.keys(synthesized).map((k) => [k, names[k as keyof AzureNames]])),
    );
    expect(
      Object.values(first.data?.azurerm_user_assigned_identity ?? {})
        .map((r) => (r as { name: string }).name)
        .sort(),
    ).toEqual([names.containerIdentity, names.functionIdentity].sort());
    expect(JSON.stringify(second.resource)).toBe(JSON.stringify(first.resource));
  });
});
