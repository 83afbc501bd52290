/**
 * json-stable-stringify 1.3 (what cdktf writes every cdk.tf.json with, as
 * `stringify(json, { space: 2 })`) for the one call shape cdktf makes: the
 * same bytes, keys sorted by `Array.prototype.sort`, `toJSON()` called without
 * arguments, `undefined` members left out, array holes and `undefined` items
 * written as `null`, and an empty object or array still broken over two lines
 * (`{\n  }`). The package itself pulls in about 25 modules of polyfills
 * (call-bind, get-intrinsic, ...) and reads every key through them: ~20 ms to
 * load and ~40 ms to write the shipped stacks. `bin/run.cjs` puts this in its
 * place; any other options (a replacer, `cmp`, `cycles`, `collapseEmpty`) go
 * to the real package, loaded then.
 * __tests__/stacks/stable-stringify.test.ts compares both.
 */
"use strict";

/** `stringify(value, { space })` for a string or whole-number `space`; other options go to `real()`. */
function stableStringify(value, options, real) {
  const simple =
    options !== null &&
    typeof options === "object" &&
    Object.keys(options).every((key) => key === "space") &&
    (typeof options.space === "string" || (Number.isInteger(options.space) && options.space >= 0));
  if (!simple) return real()(value, options);
  const space = typeof options.space === "number" ? " ".repeat(options.space) : options.space;
  // The package treats an empty space as none: no line breaks at all.
  const indents = [];
  const indent = (level) => {
    if (space === "") return "";
    let text = indents[level];
    if (text === undefined) {
      text = `\n${space.repeat(level)}`;
      indents[level] = text;
    }
    return text;
  };
  const colon = space === "" ? ":" : ": ";
  const seen = [];
  const write = (node, level) => {
    if (node && typeof node.toJSON === "function") node = node.toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== "object" || node === null) return JSON.stringify(node);
    const close = indent(level);
    const open = indent(level + 1);
    if (Array.isArray(node)) {
      let text = "[";
      for (let i = 0; i < node.length; i++) {
        text += `${i === 0 ? "" : ","}${open}${write(node[i], level + 1) || "null"}`;
      }
      return `${text}${close}]`;
    }
    if (seen.includes(node)) throw new TypeError("Converting circular structure to JSON");
    seen.push(node);
    const keys = Object.keys(node).sort();
    let text = "{";
    let first = true;
    for (const key of keys) {
      const item = write(node[key], level + 1);
      if (!item) continue;
      text += `${first ? "" : ","}${open}${JSON.stringify(key)}${colon}${item}`;
      first = false;
    }
    seen.splice(seen.indexOf(node), 1);
    return `${text}${close}}`;
  };
  return write(value, 0);
}

module.exports = { stableStringify };
