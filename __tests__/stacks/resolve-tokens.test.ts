/**
 * lib/tokens/resolve.ts resolves what cdktf's `Tokenization.resolve` resolves,
 * to the same value, or fails with the same message: on every block of every
 * shipped stack (what synth and the policy resolve), and on the token shapes
 * its fast path must hand to cdktf (tokens in keys, list, number and map
 * tokens, numbers inside strings, lazy values, constructs, functions).
 */
import { DefaultTokenResolver, Lazy, StringConcat, TerraformElement, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { loadConfiguration } from "../../lib/config/load";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { resolveTokens } from "../../lib/tokens/resolve";
import { shippedEnvironments, testApp } from "../helpers/environments";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

type Outcome = { value: unknown } | { error: string };
function outcome(resolve: () => unknown): Outcome {
  try {
    return { value: resolve() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
const ours = (value: unknown, scope: IConstruct) => outcome(() => resolveTokens(value, scope, RESOLVER));
const cdktfs = (value: unknown, scope: IConstruct) =>
  outcome(() => Tokenization.resolve(value, { scope, resolver: RESOLVER, preparing: false }));

describe("resolveTokens", () => {
  it("resolves every block of the shipped stacks as cdktf does", () => {
    const app = testApp();
    const { configs, bootstrap: bootstrapConfig } = loadConfiguration(environments, company, bootstrap);
    const stacks: IConstruct[] = configs.map((config) => new EnvironmentStack(app, { config }));
    if (bootstrapConfig !== undefined) stacks.push(new BootstrapStack(app, { config: bootstrapConfig }));
    // Blocks compared per stack: every stack's, whatever a fork's environments and clouds make of them.
    const blocks = stacks.map(() => 0);
    for (const [i, stack] of stacks.entries()) {
      for (const element of stack.node.findAll().filter(TerraformElement.isTerraformElement)) {
        for (const value of [element.toTerraform(), element.toMetadata()]) {
          const expected = cdktfs(value, stack);
          expect("value" in expected ? expected.value : expected.error).toBeDefined();
          expect(ours(value, stack)).toStrictEqual(expected);
        }
        blocks[i]++;
      }
    }
    expect(stacks.length).toBe(configs.length + (bootstrapConfig === undefined ? 0 : 1));
    expect(blocks.every((count) => count > 0)).toBe(true);
  }, 120_000);

  it("hands tokens in every shape to cdktf, and fails where cdktf fails, with its message", () => {
    const app = testApp();
    const scope = new EnvironmentStack(app, { config: shippedEnvironments()[0] });
    const name = Token.asString(Lazy.stringValue({ produce: () => "resolved-name" }));
    const count = Token.asNumber(Lazy.numberValue({ produce: () => 3 }));
    const list = Token.asList(Lazy.listValue({ produce: () => ["a", "b"] }));
    const numbers = Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] }));
    const map = Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: "v" }) }));
    const nested = Lazy.anyValue({ produce: () => ({ inner: name, gone: undefined, n: count }) });
    const values: unknown[] = [
      { plain: "text", n: 1.5, yes: true, none: null, gone: undefined, items: [1, undefined, "x", { a: [] }] },
      { [name]: "a token in a key", [`prefix-${name}`]: 1 },
      { list, numbers, map, nested, count, sentence: `${name} has ${count} parts`, when: new Date(0) },
      [name, list[0], count],
      "1e5 and -2.5e+3 are numbers, not tokens",
      `${Token.asString(Lazy.anyValue({ produce: () => ({ a: 1 }) }))}`,
      Token.STRING_MAP_TOKEN_VALUE,
      Token.NUMBER_MAP_TOKEN_VALUE,
      { deep: { list: `${list}` } },
      { construct: scope },
      { fn: () => "no" },
    ];
    for (const value of values) expect(ours(value, scope)).toStrictEqual(cdktfs(value, scope));
    // The cases above do reach both outcomes.
    expect(ours({ deep: { list: `${list}` } }, scope)).toHaveProperty("error");
    expect(ours({ list }, scope)).toStrictEqual({ value: { list: ["a", "b"] } });
  });
});
