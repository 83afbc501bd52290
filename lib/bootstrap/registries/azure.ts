/**
 * The Azure Container Registry of one environment, made by bootstrap in the
 * environment's resource group (lib/azure/registry.ts: Basic, no admin
 * user, no anonymous pull). The environment stack only names it
 * (`registryLoginServer`); the publish identity pushes with AcrPush on the
 * group, whose one registry this is; the deploy role holds no
 * `Microsoft.ContainerRegistry` action (`AZURE_DEPLOY_ACTIONS`).
 */
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Construct } from "constructs";
import { azureNames, type NameInputs } from "../../azure/naming";
import { WorkloadRegistry } from "../../azure/registry";
import { applyProtections } from "../../policy/protections";

export interface AzureEnvironmentRegistryProps extends NameInputs {
  readonly provider: AzurermProvider;
  readonly group: ResourceGroup;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Protected environment: the registry is kept on destroy (the group's lock holds it too). */
  readonly protect: boolean;
}

export class AzureEnvironmentRegistry extends Construct {
  readonly registry: WorkloadRegistry;

  constructor(scope: Construct, id: string, props: AzureEnvironmentRegistryProps) {
    super(scope, id);
    const names = azureNames(props);
    this.registry = new WorkloadRegistry(this, "registry", {
      provider: props.provider,
      name: names.containerRegistry,
      resourceGroupName: props.group.name,
      location: props.location,
      tags: props.tags,
    });
    applyProtections(this, props.protect);
  }
}
