/**
 * `Tokenization.resolve` of cdktf 0.21 with a fast path for plain data.
 * cdktf's resolve builds a context (closures, a copied prefix, a copied
 * options object) for every key and every value it meets, token or not: in a
 * stack's blocks most values are plain strings, numbers and objects, and that
 * bookkeeping was most of synth's resolving time and much of its garbage.
 * This walks plain data itself, as cdktf would (same keys, same order,
 * undefined dropped), and hands every value that is or may hold a token to
 * cdktf's own resolve, with the path cdktf would have given it (its error
 * messages name it). Whatever this cannot tell apart goes to cdktf: a wrong
 * guess costs time, never a different result
 * (__tests__/stacks/resolve-tokens.test.ts compares both on every block of
 * the shipped stacks).
 */
import { type ITokenResolver, Token, Tokenization } from "cdktf";
import { resolve as cdktfResolve } from "cdktf/lib/tokens/private/resolve";
import type { IConstruct } from "constructs";

// Every token marker (`${TfToken[`, `#{TfToken[`, `&{TfToken[`) holds this.
const MARKER = "TfToken[";
// A list token's marker: cdktf resolves a list with such an element as a whole, any other element by element.
const LIST_MARKER = "#{TfToken[";
// A number token inside a string: cdktf's NUMBER_TOKEN_REGEX (private/encoding.js), not global.
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
// cdktf encodes a token as a number by setting the top 16 bits of a double (private/encoding.js): a
// negative number of magnitude 2^960 (~1e289) or more. Numbers above this bound are never tokens.
const TOKEN_DOUBLES_BELOW = -1e288;
// cdktf refuses deeper values as circular (private/resolve.js).
const MAX_DEPTH = 200;

/** Resolves `value` as `Tokenization.resolve(value, { scope, resolver, preparing: false })` does. */
export function resolveTokens(value: unknown, scope: IConstruct, resolver: ITokenResolver): unknown {
  return walk(value, [], scope, resolver);
}

function walk(value: unknown, path: string[], scope: IConstruct, resolver: ITokenResolver): unknown {
  if (path.length > MAX_DEPTH) return viaCdktf(value, path, scope, resolver);
  if (value === undefined || value === null) return value;
  if (typeof value === "string") return isPlainString(value) ? value : viaCdktf(value, path, scope, resolver);
  if (typeof value === "number") return isPlainNumber(value) ? value : viaCdktf(value, path, scope, resolver);
  if (typeof value === "function") return viaCdktf(value, path, scope, resolver);
  if (typeof value !== "object" || value instanceof Date) return value;
  if (Array.isArray(value)) {
    if (value.some(isListToken)) return viaCdktf(value, path, scope, resolver);
    const resolved: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      const item = walk(value[i], path, scope, resolver);
      path.pop();
      if (item !== undefined) resolved.push(item);
    }
    return resolved;
  }
  if (Tokenization.isResolvable(value) || isConstruct(value)) return viaCdktf(value, path, scope, resolver);
  const keys = Object.keys(value);
  // A key with a token in it (a map token among them) is cdktf's to resolve, with the whole object.
  if (!keys.every(isPlainString)) return viaCdktf(value, path, scope, resolver);
  const resolved: Record<string, unknown> = {};
  for (const key of keys) {
    path.push(key);
    const item = walk((value as Record<string, unknown>)[key], path, scope, resolver);
    path.pop();
    if (item !== undefined) resolved[key] = item;
  }
  return resolved;
}

function viaCdktf(value: unknown, path: readonly string[], scope: IConstruct, resolver: ITokenResolver): unknown {
  return cdktfResolve(value, { scope, resolver, preparing: false, prefix: [...path] });
}

/** A string cdktf returns as it is: no token marker, no encoded number, not a map token's stand-in. */
function isPlainString(value: string): boolean {
  return (
    !value.includes(MARKER) &&
    value !== Token.STRING_MAP_TOKEN_VALUE &&
    value !== Token.ANY_MAP_TOKEN_VALUE &&
    !NUMBER_IN_STRING.test(value)
  );
}

/** A number cdktf returns as it is (a cheaper test than decoding it, as `Token.isUnresolved` does). */
function isPlainNumber(value: number): boolean {
  return value > TOKEN_DOUBLES_BELOW && value !== Token.NUMBER_MAP_TOKEN_VALUE;
}

/** An element that makes cdktf resolve a list as a list token. */
function isListToken(item: unknown): boolean {
  if (typeof item === "string") return item.includes(LIST_MARKER);
  return typeof item === "number" && !isPlainNumber(item);
}

/** cdktf's own test (private/resolve.js): resolving a construct is refused. */
function isConstruct(value: object): boolean {
  const fields = value as { _children?: unknown; _metadata?: unknown };
  return fields._children !== undefined && fields._metadata !== undefined;
}
