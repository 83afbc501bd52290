/**
 * The Artifact Registry repository of one environment, made by bootstrap in
 * the environment's project and region (lib/gcp/registry.ts: Docker,
 * immutable tags, cleanup policies), with the Artifact Registry API it
 * needs (once per project). The environment stack only names it (`registryUrl`); the publish
 * account writes to it under `gcpRepositoryCondition`; the deploy account
 * holds no Artifact Registry role.
 */
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Construct } from "constructs";
import { repositoryId } from "../../gcp/naming";
import { ContainerRegistry } from "../../gcp/registry";
import { applyProtections } from "../../policy/protections";

export const ARTIFACT_REGISTRY_API = "artifactregistry.googleapis.com";

/**
 * The project's Artifact Registry API, enabled once beside the trust's own
 * APIs (one per project, however many environments share it).
 */
export function artifactRegistryApi(trust: Construct, provider: GoogleProvider, project: string): ProjectService {
  const id = ARTIFACT_REGISTRY_API.split(".")[0];
  return (
    (trust.node.tryFindChild(id) as ProjectService | undefined) ??
    new ProjectService(trust, id, {
      provider,
      project,
      service: ARTIFACT_REGISTRY_API,
      // The environment stack's functions build into Artifact Registry too: destroying bootstrap leaves it on.
      disableOnDestroy: false,
    })
  );
}

export interface GcpEnvironmentRegistryProps {
  readonly provider: GoogleProvider;
  /** The project's Artifact Registry API (`artifactRegistryApi`). */
  readonly api: ProjectService;
  readonly project: string;
  readonly region: string;
  readonly service: string;
  readonly environment: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Protected environment: the repository is kept on destroy. */
  readonly protect: boolean;
}

export class GcpEnvironmentRegistry extends Construct {
  readonly registry: ContainerRegistry;

  constructor(scope: Construct, id: string, props: GcpEnvironmentRegistryProps) {
    super(scope, id);
    this.registry = new ContainerRegistry(this, "registry", {
      provider: props.provider,
      project: props.project,
      region: props.region,
      repositoryId: repositoryId({ service: props.service, environment: props.environment }),
      labels: props.labels,
      dependsOn: [props.api],
    });
    applyProtections(this, props.protect);
  }
}
