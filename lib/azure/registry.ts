/**
 * The environment's Azure Container Registry: where CI pushes the image the
 * Container App runs, pulled by the app's managed identity (AcrPull), never
 * with a password. The admin user and anonymous pull are off.
 *
 * Bootstrap creates it, one per environment in the environment's resource
 * group (lib/bootstrap/registries/azure.ts), so no deploy identity creates
 * or deletes it; the environment stack names it (`registryLoginServer`).
 *
 * How image and registry relate: ServiceSpec.image names the repository and
 * tag (or digest) the service runs. The Container App pulls that same
 * repository and tag from this registry, `<registry>.azurecr.io/<repository>:<tag>`;
 * an image already on this registry is used unchanged. CI pushes the image it
 * built there (see `ContainerTarget.image`) before `terraform apply`.
 */
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Construct } from "constructs";
import { parseImage } from "../image";
import { type AzurePlacement, placedIn } from "./placement";

export interface WorkloadRegistryProps extends AzurePlacement {
  /** 5-50 letters and digits, globally unique. */
  readonly name: string;
  /**
   * The subscription's provider (bootstrap has one per subscription).
   * @default - the stack's default azurerm provider
   */
  readonly provider?: AzurermProvider;
  /** @default - none (bootstrap passes the environment's standard tags) */
  readonly tags?: Readonly<Record<string, string>>;
}

export class WorkloadRegistry extends Construct {
  readonly registry: ContainerRegistry;
  /** `<name>.azurecr.io`, known at synth time (the name is). */
  readonly loginServer: string;

  constructor(scope: Construct, id: string, props: WorkloadRegistryProps) {
    super(scope, id);
    this.registry = new ContainerRegistry(this, "registry", {
      provider: props.provider,
      tags: props.tags === undefined ? undefined : { ...props.tags },
      name: props.name,
      ...placedIn(props),
      // Basic: private endpoints, retention and content trust need Premium (about 10x the price).
      sku: "Basic",
      adminEnabled: false,
      anonymousPullEnabled: false,
      // Container Apps without a VNet pull over the public endpoint, authenticated by identity.
      publicNetworkAccessEnabled: true,
    });
    this.loginServer = registryLoginServer(props.name);
  }
}

/** `<name>.azurecr.io`: the registry's login server, known from its name. */
export function registryLoginServer(name: string): string {
  return `${name}.azurecr.io`;
}

/** The reference the Container App pulls: the spec's repository and tag on `loginServer`. */
export function registryImage(image: string, loginServer: string): string {
  const ref = parseImage(image);
  return `${loginServer}/${ref.repository}${ref.version}`;
}
