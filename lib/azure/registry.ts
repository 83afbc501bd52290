/**
 * The environment's Azure Container Registry: where CI pushes the image the
 * Container App runs, pulled by the app's managed identity (AcrPull), never
 * with a password. The admin user and anonymous pull are off.
 *
 * How image and registry relate: ServiceSpec.image names the repository and
 * tag (or digest) the service runs. The Container App pulls that same
 * repository and tag from this registry, `<registry>.azurecr.io/<repository>:<tag>`;
 * an image already on this registry is used unchanged. CI pushes the image it
 * built there (see `ContainerTarget.image`) before `terraform apply`.
 */
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { Construct } from "constructs";

export interface WorkloadRegistryProps {
  /** 5-50 letters and digits, globally unique. */
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
}

export class WorkloadRegistry extends Construct {
  readonly registry: ContainerRegistry;
  /** `<name>.azurecr.io`, known at synth time (the name is). */
  readonly loginServer: string;

  constructor(scope: Construct, id: string, props: WorkloadRegistryProps) {
    super(scope, id);
    this.registry = new ContainerRegistry(this, "registry", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // Basic: private endpoints, retention and content trust need Premium (about 10x the price).
      sku: "Basic",
      adminEnabled: false,
      anonymousPullEnabled: false,
      // Container Apps without a VNet pull over the public endpoint, authenticated by identity.
      publicNetworkAccessEnabled: true,
    });
    this.loginServer = `${props.name}.azurecr.io`;
  }
}

/** An image reference split into registry host, repository path and `:tag` / `@digest` suffix. */
export interface ImageReference {
  /** Registry host, or undefined for Docker Hub short names ("nginx:1"). */
  readonly host?: string;
  readonly repository: string;
  /** ":tag", "@sha256:...", both, or "" (latest). */
  readonly version: string;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf("@");
  const withoutDigest = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? "" : image.slice(at);
  const slash = withoutDigest.indexOf("/");
  const first = slash === -1 ? "" : withoutDigest.slice(0, slash);
  // Docker's rule: the first segment is a registry host when it has a dot or a port, or is localhost.
  const hasHost = slash !== -1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const rest = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = rest.lastIndexOf(":");
  const repository = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? "" : rest.slice(colon);
  if (repository.length === 0) throw new Error(`image "${image}" has no repository`);
  return { host: hasHost ? first : undefined, repository, version: `${tag}${digest}` };
}

/** The reference the Container App pulls: the spec's repository and tag on `loginServer`. */
export function registryImage(image: string, loginServer: string): string {
  const ref = parseImage(image);
  return `${loginServer}/${ref.repository}${ref.version}`;
}
