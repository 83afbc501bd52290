/**
 * The Artifact Registry Docker repository the Cloud Run service pulls from
 * (Cloud Run's service agent pulls same-project images by identity: no
 * registry password anywhere). Tags are immutable, so a tag names one image
 * forever and the revision name derived from it stays truthful; cleanup keeps
 * the newest versions and deletes the rest after a while.
 *
 * Bootstrap creates it, one per environment (lib/bootstrap/registries/gcp.ts),
 * so no deploy identity creates or deletes it; the environment stack names it
 * (`registryUrl`, `deployedImage`).
 *
 * How `ServiceSpec.image` relates to it: an Artifact Registry reference
 * (`<region>-docker.pkg.dev/...`) is deployed as is. Any other reference
 * (`containerImage` of environments/company.ts, the default) names the image CI pushes here:
 * its last path segment and tag/digest are kept and the registry part is
 * replaced, e.g. `europe-west1-docker.pkg.dev/<project>/<service>-prod/<image>:1.0.0`.
 */
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { type ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ConstructError } from "../contract/errors";

export interface ContainerRegistryProps {
  readonly project: string;
  readonly region: string;
  /** Repository id, from `repositoryId()`. */
  readonly repositoryId: string;
  /**
   * Image versions always kept, newest first (keeps the stable and canary images).
   * @default 10
   */
  readonly keepVersions?: number;
  /**
   * Age after which other versions are deleted, in days.
   * @default 30
   */
  readonly deleteAfterDays?: number;
  /**
   * Resources to create first (the Artifact Registry API).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The project's provider (bootstrap has one per project).
   * @default - the stack's default Google provider
   */
  readonly provider?: GoogleProvider;
  /** @default - none (bootstrap passes the environment's standard labels) */
  readonly labels?: Readonly<Record<string, string>>;
}

const ARTIFACT_REGISTRY = /^[a-z0-9-]+-docker\.pkg\.dev\//;
// Last path segment plus a tag and/or digest: `name:tag`, `name@sha256:...`, `name:tag@sha256:...`.
const NAME_AND_VERSION = /([a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[0-9a-f]{64})?)$/;

export class ContainerRegistry extends Construct {
  readonly repository: ArtifactRegistryRepository;
  /** `<region>-docker.pkg.dev/<project>/<repository>`: where CI pushes; known at synth time. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const keep = props.keepVersions ?? 10;
    const deleteAfterDays = props.deleteAfterDays ?? 30;
    if (keep < 1)
      throw new ConstructError(
        "BPE_GCP_7",
        this.node.path,
        `keepVersions is ${keep}; keep at least the image in service`,
      );
    if (deleteAfterDays < 1)
      throw new ConstructError(
        "BPE_GCP_8",
        this.node.path,
        `deleteAfterDays is ${deleteAfterDays}; it must be at least 1`,
      );

    this.repository = new ArtifactRegistryRepository(this, "repository", {
      provider: props.provider,
      labels: props.labels === undefined ? undefined : { ...props.labels },
      project: props.project,
      location: props.region,
      repositoryId: props.repositoryId,
      format: "DOCKER",
      mode: "STANDARD_REPOSITORY",
      description: "Workload images pushed by CI; Cloud Run pulls them by identity.",
      dockerConfig: { immutableTags: true },
      cleanupPolicyDryRun: false,
      // A KEEP policy wins over a DELETE policy: the newest versions survive however old.
      cleanupPolicies: [
        {
          id: "keep-newest",
          action: "KEEP",
          mostRecentVersions: { keepCount: keep },
        },
        {
          id: "delete-old",
          action: "DELETE",
          condition: { tagState: "ANY", olderThan: `${deleteAfterDays * 86400}s` },
        },
      ],
      dependsOn: props.dependsOn,
    });
    this.url = registryUrl(props.region, props.project, props.repositoryId);
  }

  /** The reference Cloud Run deploys for `image` (see the module comment). */
  imageFor(image: string): string {
    return deployedImage(image, this.url);
  }
}

/** `<region>-docker.pkg.dev/<project>/<repository>` */
export function registryUrl(region: string, project: string, repository: string): string {
  return `${region}-docker.pkg.dev/${project}/${repository}`;
}

/**
 * Where `image` is deployed from: as is for an Artifact Registry reference,
 * else its `name:tag` / `name@digest` under `url` (see the module comment).
 */
export function deployedImage(image: string, url: string): string {
  if (Token.isUnresolved(image) || ARTIFACT_REGISTRY.test(image)) return image;
  const nameAndVersion = NAME_AND_VERSION.exec(image)?.[1];
  if (nameAndVersion === undefined || !/[:@]/.test(nameAndVersion)) {
    throw new ConstructError(
      "BPE_GCP_9",
      undefined,
      `container image "${image}" needs a tag or digest (tags are immutable in ${url})`,
    );
  }
  if (/:latest$/.test(nameAndVersion)) {
    throw new ConstructError(
      "BPE_GCP_10",
      undefined,
      `container image "${image}" uses "latest"; tags are immutable in ${url}, push a version tag`,
    );
  }
  return `${url}/${nameAndVersion}`;
}
