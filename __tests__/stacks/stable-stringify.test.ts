/**
 * bin/stable-stringify.cjs (what bin/run.cjs hands cdktf in place of
 * json-stable-stringify) writes the package's bytes: on a shipped
 * environment's Terraform JSON, tokens unresolved and undefined arguments
 * included, and on the format's corners; other options go to the package.
 */
import { dirname } from "node:path";
import { company, environments } from "../../environments";
import { loadConfiguration } from "../../lib/config/load";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { testApp } from "../helpers/environments";

type Stringify = (value: unknown, options?: unknown) => string | undefined;
// cdktf's own copy, the one its synthesizer writes with.
const real = require(
  require.resolve("json-stable-stringify", { paths: [dirname(require.resolve("cdktf"))] }),
) as Stringify;
const { stableStringify } = require("../../bin/stable-stringify.cjs") as {
  stableStringify: (value: unknown, options: unknown, real: () => Stringify) => string | undefined;
};
const ours: Stringify = (value, options) => stableStringify(value, options, () => real);

describe("bin/stable-stringify.cjs", () => {
  it("writes a shipped environment's Terraform JSON as json-stable-stringify does", () => {
    const [config] = loadConfiguration(environments, company).configs;
    const stack = new EnvironmentStack(testApp(), { config });
    const json = stack.toTerraform();
    const written = ours(json, { space: 2 });
    expect(written).toBe(real(json, { space: 2 }));
    expect(written?.length).toBeGreaterThan(10_000);
  });

  it.each([
    ["empty object and array, nested", { a: {}, b: [], c: { d: [{}] } }],
    [
      "undefined members left out, undefined items and holes as null",
      { a: undefined, b: [undefined, new Array(2), 1] as unknown[], c: 1 },
    ],
    ["keys in sort order, numeric keys as strings", { b: 1, a: 2, 10: 3, 9: 4, Z: 5, é: 6 }],
    ["toJSON called (a Date)", { when: new Date(0), deep: [{ toJSON: () => ({ y: 1, x: [] }) }] }],
    ["escapes and odd values", { 'q"\n': "\u2028\\", n: Number.NaN, f: () => 1, s: Symbol("x"), z: null, t: true }],
    ["a boxed primitive", { n: new Number(5) }],
    ["a top-level primitive", "text"],
    ["a top-level undefined", undefined],
  ])("%s", (_, value) => {
    for (const space of [2, 0, 4, "", "\t"]) expect(ours(value, { space })).toBe(real(value, { space }));
  });

  it("refuses a cycle as the package does", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => ours(cyclic, { space: 2 })).toThrow(new TypeError("Converting circular structure to JSON"));
    expect(() => real(cyclic, { space: 2 })).toThrow(new TypeError("Converting circular structure to JSON"));
  });

  it("hands any other options to the package", () => {
    const value = { b: 1, a: { d: 2, c: 3 } };
    const calls: unknown[] = [];
    const spy: Stringify = (v, options) => {
      calls.push(options);
      return real(v, options);
    };
    const cmp = (x: { key: string }, y: { key: string }) => (x.key < y.key ? 1 : -1);
    for (const options of [undefined, { space: 2, cmp }, { collapseEmpty: true }, { space: 1.5 }]) {
      expect(stableStringify(value, options, () => spy)).toBe(real(value, options));
    }
    expect(calls).toHaveLength(4);
  });
});
