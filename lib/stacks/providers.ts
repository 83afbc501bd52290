/**
 * One provider per enabled cloud (from the cloud registry) plus Cloudflare,
 * configured from the environment and never with credentials: each provider
 * reads its own environment variables (AWS_*, ARM_*, GOOGLE_*,
 * CLOUDFLARE_API_TOKEN) or the CI's OIDC token at plan/apply time.
 */
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { Cloud, EnvironmentConfig } from "../config/schema";
import type { StandardTags } from "../policy/tags";
import { enabledClouds } from "./clouds";

export interface Providers {
  /** The provider of each enabled cloud. */
  readonly clouds: Readonly<Partial<Record<Cloud, TerraformProvider>>>;
  readonly cloudflare: CloudflareProvider;
  /** Generates values that must never be synthesized (the origin secret). */
  readonly random: RandomProvider;
}

export function addProviders(scope: Construct, env: EnvironmentConfig, tags: StandardTags): Providers {
  const clouds = Object.fromEntries(
    enabledClouds(env).map(({ cloud, module, settings }) => [cloud, module.addProvider(scope, settings, tags)]),
  );
  return {
    clouds,
    cloudflare: new CloudflareProvider(scope, "cloudflare", {}),
    random: new RandomProvider(scope, "random"),
  };
}
