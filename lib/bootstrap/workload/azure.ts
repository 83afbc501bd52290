/**
 * The workload's user-assigned identities of one environment and their role
 * assignments, made by bootstrap (an administrator) from lib/azure/identity.ts,
 * on the environment's resource group: the resources they reach (storage,
 * registry, vault, Application Insights) are the environment stack's and do
 * not exist yet, and each kind appears once in the group. The environment
 * stack reads the identities by name; its deploy identity can create no
 * identity and no federated credential (`AZURE_DEPLOY_NOT_ACTIONS`).
 */
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Construct } from "constructs";
import { type AzureWorkloadIdentityKind, azureWorkloadIdentities, WorkloadIdentity } from "../../azure/identity";
import { azureNames, type NameInputs } from "../../azure/naming";
import { suppress } from "../../policy";
import { oneByKind } from "./identities";

export interface AzureWorkloadIdentitiesProps extends NameInputs {
  readonly provider?: AzurermProvider;
  readonly group: ResourceGroup;
  readonly location: string;
  /** The standard tags (bootstrap's, with the environment). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The targets' identities of one environment, each with its roles on the group. */
export class AzureWorkloadIdentities extends Construct {
  readonly identities: Readonly<Record<AzureWorkloadIdentityKind, WorkloadIdentity>>;

  constructor(scope: Construct, id: string, props: AzureWorkloadIdentitiesProps) {
    super(scope, id);
    const names = azureNames(props);
    this.identities = oneByKind(azureWorkloadIdentities(names), (kind, spec) => {
      const identity = new WorkloadIdentity(this, kind, {
        provider: props.provider,
        name: spec.name,
        // The name, not the group's id: the environment stack derives the identity's id from it.
        resourceGroupName: names.resourceGroup,
        location: props.location,
        tags: props.tags,
      });
      identity.identity.node.addDependency(props.group);
      for (const role of spec.roles) {
        const assignment = identity.grant(role.toLowerCase().replace(/ /g, "-"), role, props.group.id);
        suppress(
          assignment,
          "BP_AZ_10",
          "bootstrap runs before the environment stack creates the resource (an assignment needs its scope to exist); the group holds one resource of the kind this role reaches, and only the environment's deploy identity creates resources in it",
        );
      }
      return identity;
    });
  }
}
