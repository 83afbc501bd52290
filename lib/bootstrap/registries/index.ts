/**
 * The container registries bootstrap creates: one per environment and cloud
 * it enables, where `publish:<env>` pushes the release's image with the
 * environment's publish identity before any deploy. The environment stacks
 * only name them, so nothing runs with a deploy identity before a
 * deployment is approved, and no deploy identity creates or deletes a
 * registry (docs/bootstrap.md).
 */
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import type { Construct } from "constructs";
import type { BootstrapEnvironment } from "../../config/bootstrap";
import type { CompanyConfig } from "../../config/company";
import { gcpLabels } from "../../policy/tags";
import { bootstrapTags } from "../gitlab-oidc";
import type { StateTrusts } from "../state/stores";
import { AwsEnvironmentRegistry } from "./aws";
import { AzureEnvironmentRegistry } from "./azure";
import { artifactRegistryApi, GcpEnvironmentRegistry } from "./gcp";

export type EnvironmentRegistry = AwsEnvironmentRegistry | AzureEnvironmentRegistry | GcpEnvironmentRegistry;

/** Every environment's registries, by environment then cloud. */
export function addRegistries(
  scope: Construct,
  environments: readonly BootstrapEnvironment[],
  trusts: StateTrusts,
  options: { readonly service: string; readonly company: CompanyConfig },
): Map<string, Map<string, EnvironmentRegistry>> {
  const all = new Map<string, Map<string, EnvironmentRegistry>>();
  for (const env of environments) {
    const { name, protect } = env.config;
    const missing = (cloud: string) => new Error(`bootstrap: no ${cloud} trust for ${name}'s registry`);
    const registries = new Map<string, EnvironmentRegistry>();
    const common = { service: options.service, environment: name, protect };
    for (const cloud of env.clouds) {
      const id = `${name}-registry-${cloud}`;
      switch (cloud) {
        case "aws": {
          const { accountId, region } = env.config.aws ?? { accountId: "", region: "" };
          const trust = trusts.aws.get(accountId);
          if (trust === undefined) throw missing(cloud);
          registries.set(
            cloud,
            new AwsEnvironmentRegistry(scope, id, { provider: trust.provider, accountId, region, ...common }),
          );
          break;
        }
        case "azure": {
          const settings = env.config.azure;
          const group = trusts.azure?.resourceGroups.get(name);
          // The subscription's provider (AzureTenantTrust creates one per subscription, by this id).
          const provider = trusts.azure?.node.tryFindChild(`azurerm-${settings?.subscriptionId}`) as
            | AzurermProvider
            | undefined;
          if (settings === undefined || group === undefined || provider === undefined) throw missing(cloud);
          registries.set(
            cloud,
            new AzureEnvironmentRegistry(scope, id, {
              provider,
              group,
              subscriptionId: settings.subscriptionId,
              location: settings.location,
              tags: bootstrapTags(options.company, name),
              ...common,
            }),
          );
          break;
        }
        case "gcp": {
          const { project, region } = env.config.gcp ?? { project: "", region: "" };
          const trust = trusts.gcp.get(project);
          if (trust === undefined) throw missing(cloud);
          registries.set(
            cloud,
            new GcpEnvironmentRegistry(scope, id, {
              provider: trust.provider,
              api: artifactRegistryApi(trust, trust.provider, project),
              project,
              region,
              labels: gcpLabels(bootstrapTags(options.company, name)),
              ...common,
            }),
          );
          break;
        }
      }
    }
    all.set(name, registries);
  }
  return all;
}
