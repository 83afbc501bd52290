/**
 * One provider per enabled cloud plus Cloudflare, configured from the
 * environment and never with credentials: each provider reads its own
 * environment variables (AWS_*, ARM_*, GOOGLE_*, CLOUDFLARE_API_TOKEN) or the
 * CI's OIDC token at plan/apply time.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { gcpLabels, type StandardTags } from "../policy/tags";

export interface Providers {
  readonly aws?: AwsProvider;
  readonly azure?: AzurermProvider;
  readonly gcp?: GoogleProvider;
  readonly cloudflare: CloudflareProvider;
  /** Generates values that must never be synthesized (the origin secret). */
  readonly random: RandomProvider;
}

export function addProviders(scope: Construct, env: EnvironmentConfig, tags: StandardTags): Providers {
  const on = (cloud: "aws" | "azure" | "gcp") => env.clouds.includes(cloud);
  return {
    aws:
      on("aws") && env.aws
        ? new AwsProvider(scope, "aws", {
            region: env.aws.region,
            // Refuse to touch any other account, whatever credentials are loaded.
            allowedAccountIds: [env.aws.accountId],
            defaultTags: [{ tags: { ...tags } }],
          })
        : undefined,
    azure:
      on("azure") && env.azure
        ? new AzurermProvider(scope, "azurerm", {
            features: [{}],
            subscriptionId: env.azure.subscriptionId,
            // Storage data-plane calls use Entra ID, not shared keys.
            storageUseAzuread: true,
            // Bootstrap registers the resource providers per subscription; the CI identities,
            // scoped to the resource group, could not (registration is a subscription-level write).
            resourceProviderRegistrations: "none",
          })
        : undefined,
    gcp: on("gcp") && env.gcp ? googleProvider(scope, env.gcp, tags) : undefined,
    cloudflare: new CloudflareProvider(scope, "cloudflare", {}),
    random: new RandomProvider(scope, "random"),
  };
}

function googleProvider(
  scope: Construct,
  gcp: NonNullable<EnvironmentConfig["gcp"]>,
  tags: StandardTags,
): GoogleProvider {
  const provider = new GoogleProvider(scope, "google", { project: gcp.project, region: gcp.region });
  // Not `defaultLabels`: cdktf snake-cases map keys in provider blocks (managed-by -> managed_by),
  // so the labels would not match the other clouds' tags. An override is written as given.
  provider.addOverride("default_labels", gcpLabels(tags));
  return provider;
}
