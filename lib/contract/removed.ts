/**
 * Terraform `removed` blocks: resources a construct used to create and no
 * longer does because another stack owns them now (the container registries,
 * bootstrap's since the publish identity pushes before any deploy). An
 * existing state still holds them; without a block the next apply would
 * destroy them. `lifecycle { destroy = false }` makes the apply forget them
 * instead (OpenTofu 1.10+, Terraform 1.7+:
 * https://opentofu.org/docs/language/resources/syntax/#removing-resources).
 * A state that never held them plans nothing for the block.
 *
 * The address is the one the resource had: the same construct path under
 * the same scope, so the same logical id (cdktf hashes the path). Placeholder
 * constructs hold that path; they synthesize nothing.
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

/** One resource no longer created: its type and its construct path below the scope that created it. */
export interface RemovedResource {
  readonly type: string;
  /** Construct ids from the scope down, e.g. `["registry", "repository"]`. */
  readonly path: readonly string[];
}

/** A `removed` block as Terraform JSON writes it. */
export interface RemovedBlock {
  readonly from: string;
  readonly lifecycle: { readonly destroy: false };
}

const blocks = new WeakMap<TerraformStack, RemovedBlock[]>();

/** Every `removed` block added to `stack` so far. */
export function removedBlocks(stack: TerraformStack): readonly RemovedBlock[] {
  return blocks.get(stack) ?? [];
}

/**
 * Declares that `resources`, once created under `scope`, leave this stack's
 * state without being destroyed; returns their addresses.
 */
export function forgetRemoved(scope: Construct, resources: readonly RemovedResource[]): string[] {
  const stack = TerraformStack.of(scope);
  const list = blocks.get(stack) ?? [];
  const addresses = resources.map(({ type, path }) => {
    let node: Construct = scope;
    for (const id of path) node = (node.node.tryFindChild(id) as Construct | undefined) ?? new Construct(node, id);
    return `${type}.${stack.getLogicalId(node.node)}`;
  });
  list.push(...addresses.map((from) => ({ from, lifecycle: { destroy: false as const } })));
  blocks.set(stack, list);
  // The whole list each time: an override replaces the value at its path.
  stack.addOverride("removed", list);
  return addresses;
}
