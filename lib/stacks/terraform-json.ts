/**
 * A stack's Terraform JSON as cdktf 0.21's `TerraformStack.toTerraform()`
 * builds it, less its last step. cdktf resolves every block on its own, merges
 * the blocks, then resolves the merged whole once more: a second walk over
 * every value that finds nothing left to resolve, except in what the stack's
 * own `addOverride` merged in (`removed`, `import`), which is resolved here.
 * That walk was about a fifth of writing a stack. The bytes written are the
 * same (__tests__/stacks/synth-equivalence.test.ts compares with
 * `app.synth()`).
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import { deepMerge } from "cdktf/lib/util";
import type { IConstruct } from "constructs";
import { resolveTokens } from "../tokens/resolve";

/** What cdktf's toTerraform reads of the stack that its type declares private (pinned version). */
interface StackInternals {
  readonly rawOverrides: Record<string, unknown>;
  readonly cdktfVersion: string | undefined;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());
const resolve = (stack: TerraformStack, value: unknown): unknown => resolveTokens(value, stack, RESOLVER);

export function terraformJson(stack: TerraformStack): Record<string, unknown> {
  const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
  const overridden = Object.keys(rawOverrides);
  const metadata: Record<string, unknown> = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: "local", // overwritten by backend implementations if used
    cloud: undefined, // overwritten by cloud and remote backend implementations
    ...(overridden.length > 0 ? { overrides: { stack: overridden } } : {}),
  };
  const elements = terraformElements(stack);
  for (const meta of elements.map((element) => resolve(stack, element.toMetadata()))) deepMerge(metadata, meta);
  const outputs: Record<string, unknown> = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    const path = element.node.path
      .split("/")
      .reduceRight<Record<string, unknown>>(
        (inner, part) => (Object.keys(inner).length === 0 ? { [part]: element.friendlyUniqueId } : { [part]: inner }),
        {},
      );
    deepMerge(outputs, path);
  }
  const tf: Record<string, unknown> = { "//": { metadata, outputs } };
  for (const fragment of elements.map((element) => resolve(stack, element.toTerraform()))) deepMerge(tf, fragment);
  deepMerge(tf, rawOverrides);
  // The merged blocks are resolved already; only what the stack's overrides brought in may hold tokens.
  for (const key of overridden) {
    const value = resolve(stack, tf[key]);
    if (value === undefined) delete tf[key];
    else tf[key] = value;
  }
  return tf;
}

/** The stack's Terraform elements in tree order, not those of a nested stack (cdktf's `terraformElements`). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}
