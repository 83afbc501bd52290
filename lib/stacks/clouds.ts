/**
 * The cloud registry: one module per cloud. EnvironmentStack and the provider
 * setup loop over it; adding a cloud is one folder, one entry here and its
 * schema section (docs/adding-a-cloud.md).
 */
import { awsCloud } from "../aws/cloud";
import { azureCloud } from "../azure/cloud";
import { CLOUDS, type Cloud, type EnvironmentConfig, type OriginId } from "../config/schema";
import type { CloudModule, CloudRegistry, CloudSettings } from "../contract/cloud";
import { originId } from "../contract/target";
import { gcpCloud } from "../gcp/cloud";

export const CLOUD_MODULES: CloudRegistry = { aws: awsCloud, azure: azureCloud, gcp: gcpCloud };

/** An enabled cloud with its module and settings, typed for any cloud. */
export interface EnabledCloud {
  readonly cloud: Cloud;
  readonly module: CloudModule<CloudSettings<Cloud>>;
  readonly settings: CloudSettings<Cloud>;
}

/** The environment's enabled clouds that have settings, in `CLOUDS` order (stable output). */
export function enabledClouds(config: EnvironmentConfig): EnabledCloud[] {
  return CLOUDS.filter((cloud) => config.clouds.includes(cloud) && config[cloud] !== undefined).map((cloud) => ({
    cloud,
    // Each module takes its own cloud's settings: the registry's type pairs them, the loop cannot.
    module: CLOUD_MODULES[cloud] as CloudModule<CloudSettings<Cloud>>,
    settings: config[cloud] as CloudSettings<Cloud>,
  }));
}

/** The region or location the environment names for `cloud`, when that cloud has settings. */
export function cloudRegion(config: EnvironmentConfig, cloud: Cloud): string | undefined {
  const settings = config[cloud];
  return settings === undefined ? undefined : (CLOUD_MODULES[cloud] as CloudModule<typeof settings>).region(settings);
}

/**
 * Origins that cannot split traffic between two releases (each cloud's
 * `edge.splitKinds`): the edge gives them the new release's share of their
 * weight instead (lib/release.ts `edgeWeights`).
 */
export const EDGE_SPLIT_ORIGINS: readonly OriginId[] = CLOUDS.flatMap((cloud) =>
  CLOUD_MODULES[cloud].edge.splitKinds.map((kind) => originId(cloud, kind)),
);

/** Origins whose cloud runs its own canary (each cloud's `edge.selfSplitKinds`, lib/release.ts `releaseShare`). */
export const SELF_SPLIT_ORIGINS: readonly OriginId[] = CLOUDS.flatMap((cloud) =>
  CLOUD_MODULES[cloud].edge.selfSplitKinds.map((kind) => originId(cloud, kind)),
);

/** Whether Cloudflare health checks probe `cloud`'s origins where the zone's plan allows. */
export function originsProbedFromEdge(cloud: Cloud): boolean {
  return CLOUD_MODULES[cloud].edge.probesOrigins;
}

/** The enabled cloud that probes the edge when Cloudflare cannot: the lowest `edge.proberRank`. */
export function edgeProber(config: EnvironmentConfig): Cloud | undefined {
  return enabledClouds(config)
    .map(({ cloud }) => cloud)
    .sort((a, b) => CLOUD_MODULES[a].edge.proberRank - CLOUD_MODULES[b].edge.proberRank)[0];
}
