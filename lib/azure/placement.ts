/**
 * Where every Azure resource of an environment lives: a resource group (the
 * environment's, which bootstrap creates) in the environment's location. The
 * constructs that wrap a resource take it as part of their props and hand it
 * on with `placedIn`.
 */
export interface AzurePlacement {
  /** Resource group name (a token is fine). */
  readonly resourceGroupName: string;
  readonly location: string;
}

/** The placement alone, for a resource's config: the props around it carry more than the resource takes. */
export function placedIn(props: AzurePlacement): AzurePlacement {
  return { resourceGroupName: props.resourceGroupName, location: props.location };
}
