/**
 * Attribute values as the note shows them. `show -json` prints sensitive
 * values in clear text; only the parallel `*_sensitive` trees say which ones
 * they are. Every value goes through `prepare`, which replaces each
 * subtree marked `true` in the sensitive tree by `(sensitive)` before anything
 * is turned into text, and each subtree marked in `after_unknown` by
 * `(known after apply)`.
 */

/** Placeholders that survive JSON.stringify and are swapped for plain text afterwards. */
const SENSITIVE = "\u0000sensitive\u0000";
const UNKNOWN = "\u0000unknown\u0000";
const SENSITIVE_TEXT = "(sensitive)";
const UNKNOWN_TEXT = "(known after apply)";

type Tree = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Replaces every subtree marked `true` in `mask` by the sensitive placeholder. */
export function redact(value: unknown, mask: Tree): unknown {
  if (mask === true) return SENSITIVE;
  if (Array.isArray(mask) && Array.isArray(value)) return value.map((item, i) => redact(item, mask[i]));
  if (isObject(mask) && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redact(item, mask[key]);
    return out;
  }
  return value;
}

/** Marks every subtree flagged `true` in `after_unknown`, adding keys the value does not have yet. */
export function markUnknown(value: unknown, mask: Tree): unknown {
  if (mask === true) return UNKNOWN;
  if (Array.isArray(mask)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, mask.length);
    return Array.from({ length }, (_, i) => markUnknown(items[i], mask[i]));
  }
  if (isObject(mask)) {
    const base = isObject(value) ? value : {};
    const out: Record<string, unknown> = { ...base };
    for (const key of Object.keys(mask)) out[key] = markUnknown(base[key], mask[key]);
    return out;
  }
  return value;
}

/** Structural equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * A prepared value (already through `redact` and `markUnknown`) as text:
 * compact JSON on one line, or pretty-printed over lines when `indent` is
 * given, placeholders swapped for `(sensitive)` / `(known after apply)`.
 */
export function valueText(prepared: unknown, indent?: number): string {
  if (prepared === SENSITIVE) return SENSITIVE_TEXT;
  if (prepared === UNKNOWN) return UNKNOWN_TEXT;
  if (prepared === undefined) return "(none)";
  let text = JSON.stringify(prepared, null, indent) ?? "null";
  // Only text holding a placeholder (JSON escapes its NULs as \u0000) needs the swap.
  if (text.includes("\\u0000")) {
    text = text.replaceAll(JSON.stringify(SENSITIVE), SENSITIVE_TEXT).replaceAll(JSON.stringify(UNKNOWN), UNKNOWN_TEXT);
  }
  return text;
}

/** Whether a prepared value is one of the two placeholders. */
export function isPlaceholder(prepared: unknown): boolean {
  return prepared === SENSITIVE || prepared === UNKNOWN;
}

/** Redacts, then marks unknowns: the one way a raw plan value becomes displayable. */
export function prepare(value: unknown, sensitive: Tree, unknown: Tree = false): unknown {
  return redact(markUnknown(value, unknown), sensitive);
}
