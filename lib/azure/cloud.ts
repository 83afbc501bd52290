/** The Azure entry of the stack's cloud registry: provider, Flex Consumption Function App, Container App. */
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { CloudModule } from "../contract/cloud";
import { ContainerTarget } from "./container-target";
import { FunctionTarget } from "./function-target";
import { AzureMonitoring } from "./monitoring";
import type { AzureSettings } from "./settings";
import { AZURE_LIMITS } from "./validation";

export const azureCloud: CloudModule<AzureSettings> = {
  limits: AZURE_LIMITS,
  region: (settings) => settings.location,
  addProvider: (scope, settings) =>
    new AzurermProvider(scope, "azurerm", {
      features: [{}],
      subscriptionId: settings.subscriptionId,
      // Storage data-plane calls use Entra ID, not shared keys.
      storageUseAzuread: true,
      // Bootstrap registers the resource providers per subscription; the CI identities,
      // scoped to the resource group, could not (registration is a subscription-level write).
      resourceProviderRegistrations: "none",
    }),
  addTargets: (scope, props) => [
    new FunctionTarget(scope, "azure-function", props),
    new ContainerTarget(scope, "azure-container", { ...props, rollout: props.rollouts?.container }),
  ],
  addMonitoring: (scope, props) => {
    new AzureMonitoring(scope, "azure-monitoring", props);
  },
  // Flex Consumption replaces its code in place (Container Apps split between revisions); standard tests probe
  // the origins, every 5 minutes at best.
  edge: { splitKinds: ["function"], selfSplitKinds: [], probesOrigins: false, proberRank: 3 },
};
