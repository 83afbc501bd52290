/**
 * The state stores bootstrap creates: one per environment whose backend is
 * `cloud` (every protected environment), in the cloud the environment
 * chose, with the providers and identities that cloud's trust created.
 */
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema";
import { stateCloud, stateLocation } from "../../config/state";
import { gcpLabels } from "../../policy/tags";
import type { AwsAccountTrust } from "../aws";
import type { AzureTenantTrust } from "../azure";
import type { GcpProjectTrust } from "../gcp";
import { bootstrapTags } from "../gitlab-oidc";
import { AwsStateStore } from "./aws";
import { AzureStateStore } from "./azure";
import { GcpStateStore } from "./gcp";

export interface StateTrusts {
  readonly aws: ReadonlyMap<string, AwsAccountTrust>;
  readonly azure?: AzureTenantTrust;
  readonly gcp: ReadonlyMap<string, GcpProjectTrust>;
}

export type StateStore = AwsStateStore | GcpStateStore | AzureStateStore;

/** One store per environment with a `cloud` backend, by environment name. */
export function addStateStores(
  scope: Construct,
  environments: readonly EnvironmentConfig[],
  trusts: StateTrusts,
): Map<string, StateStore> {
  const stores = new Map<string, StateStore>();
  for (const env of environments) {
    if (env.backend.type !== "cloud") continue;
    const location = stateLocation(env, stateCloud(env, env.backend.cloud));
    const missing = () => new Error(`bootstrap: no ${location.cloud} trust for ${env.name}'s state`);
    const id = `${env.name}-state`;
    switch (location.cloud) {
      case "aws": {
        const trust = trusts.aws.get(location.accountId);
        const roles = trust?.roles.get(env.name);
        if (trust === undefined || roles === undefined) throw missing();
        stores.set(env.name, new AwsStateStore(scope, id, { provider: trust.provider, location, roles }));
        break;
      }
      case "gcp": {
        const trust = trusts.gcp.get(location.project);
        const accounts = trust?.serviceAccounts.get(env.name);
        if (trust === undefined || accounts === undefined) throw missing();
        stores.set(
          env.name,
          new GcpStateStore(scope, id, {
            provider: trust.provider,
            location,
            accounts,
            labels: gcpLabels(bootstrapTags(env.company)),
          }),
        );
        break;
      }
      case "azure": {
        const trust = trusts.azure;
        const identities = trust?.identities.get(env.name);
        // The subscription's provider (AzureTenantTrust creates one per subscription, by this id).
        const provider = trust?.node.tryFindChild(`azurerm-${location.subscriptionId}`) as AzurermProvider | undefined;
        if (identities === undefined || provider === undefined) throw missing();
        stores.set(
          env.name,
          new AzureStateStore(scope, id, {
            provider,
            location,
            principals: { plan: identities.plan.servicePrincipal, deploy: identities.deploy.servicePrincipal },
            tags: bootstrapTags(env.company),
          }),
        );
        break;
      }
    }
  }
  return stores;
}
