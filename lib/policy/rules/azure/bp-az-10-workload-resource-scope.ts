import { defineRule } from "../../rule";
import { isWorkloadPrincipal } from "./identities";

/** A subscription or a whole resource group, written out or referenced. */
function broadScope(scope: string): string | undefined {
  if (/^\/subscriptions\/[^/]+\/?$/i.test(scope)) return "a subscription";
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$/i.test(scope)) return "a resource group";
  if (/^\$\{(data\.)?azurerm_subscription\.[\w-]+\.(id|subscription_id)\}$/.test(scope)) return "a subscription";
  if (/^\$\{(data\.)?azurerm_resource_group\.[\w-]+\.id\}$/.test(scope)) return "a resource group";
  return undefined;
}

/**
 * A workload's managed identity is granted roles on the resources it uses
 * (its registry, vault, storage account), never on the resource group or
 * subscription, where the same role reaches every other resource.
 */
export const workloadResourceScope = defineRule({
  id: "BP_AZ_10",
  description: "Workload identities get roles on the resources they use, not on a resource group or subscription",
  fix: "set scope to the resource's id (the registry, the vault, the storage account)",
  level: "error",
  appliesTo: ["azurerm_role_assignment"],
  check: (input) => {
    if (!isWorkloadPrincipal(input)) return undefined;
    const broad = broadScope(input.expression(input.attributes.scope));
    return broad === undefined ? undefined : `a workload identity is assigned a role on ${broad}`;
  },
});
