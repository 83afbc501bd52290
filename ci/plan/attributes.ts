/**
 * What changes inside one resource, as Markdown lines for the note's
 * details: every changed attribute path (nested, `ingress[1].cidr_blocks[0]`)
 * with its value before and after; long values (policies, JSON documents,
 * scripts) as a line diff of their pretty-printed form, so the changed line
 * is always on screen and never behind an ellipsis. Values go through
 * `prepare` (values.ts) first, so the `*_sensitive` trees redact them before
 * any text is made; whether a sensitive value changed is decided on the raw
 * values and only that fact is shown.
 */
import { structuredPatch } from "diff";
import { code } from "./markdown";
import type { Change } from "./plan";
import { isPlaceholder, jsonEqual, prepare, valueText } from "./values";

type Path = readonly (string | number)[];

/** One changed leaf (or whole value, where its shape changed). */
export interface AttributeChange {
  readonly path: Path;
  /** Prepared value before (undefined: absent). */
  readonly before: unknown;
  /** Prepared value after (undefined: absent). */
  readonly after: unknown;
}

/** Values whose one-line text is longer than this are shown as a line diff. */
export const INLINE_VALUE_CHARS = 100;

/** Lines of context around each changed line of a long value. */
const DIFF_CONTEXT = 3;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `ingress[1].cidr_blocks[0]`, `tags["kubernetes.io/role"]`. */
export function pathText(path: Path): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

function walk(
  rawBefore: unknown,
  rawAfter: unknown,
  before: unknown,
  after: unknown,
  path: Path,
  out: AttributeChange[],
  skipNewUnknown: boolean,
): void {
  if (isPlaceholder(before) || isPlaceholder(after)) {
    // Only "known after apply" where nothing was before: noise on an update (ids, computed defaults).
    if (skipNewUnknown && before === undefined && valueText(after) === "(known after apply)") return;
    if (jsonEqual(before, after) && jsonEqual(rawBefore, rawAfter)) return;
    out.push({ path, before, after });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      walk(
        isObject(rawBefore) ? rawBefore[key] : undefined,
        isObject(rawAfter) ? rawAfter[key] : undefined,
        before[key],
        after[key],
        [...path, key],
        out,
        skipNewUnknown,
      );
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i += 1) {
      walk(
        Array.isArray(rawBefore) ? rawBefore[i] : undefined,
        Array.isArray(rawAfter) ? rawAfter[i] : undefined,
        before[i],
        after[i],
        [...path, i],
        out,
        skipNewUnknown,
      );
    }
    return;
  }
  if (jsonEqual(before, after)) return;
  // An empty container appearing where nothing was (an unknown mask of `{}`) is no change either.
  if (before === undefined && (jsonEqual(after, {}) || jsonEqual(after, []))) return;
  out.push({ path, before, after });
}

/**
 * Every changed path between `before` and `after` of a change (or drift),
 * lists of equal length compared item by item, other lists as a whole.
 */
export function changedAttributes(change: Change, options: { skipNewUnknown?: boolean } = {}): AttributeChange[] {
  const before = prepare(change.before ?? undefined, change.before_sensitive);
  const after = prepare(change.after ?? undefined, change.after_sensitive, change.after_unknown);
  const out: AttributeChange[] = [];
  walk(change.before ?? undefined, change.after ?? undefined, before, after, [], out, options.skipNewUnknown ?? true);
  return out;
}

/** A code fence longer than any backtick run inside `text`. */
function fence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** A value as lines: JSON documents held in strings and structures pretty-printed, other strings as they are. */
export function prettyText(prepared: unknown): string {
  if (prepared === undefined || prepared === null) return "";
  if (typeof prepared === "string" && !isPlaceholder(prepared)) {
    const trimmed = prepared.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        // not JSON: shown as the text it is
      }
    }
    return prepared;
  }
  return valueText(prepared, 2);
}

/** Unified line diff of two texts (hunks with context), as a fenced `diff` block indented by `indent`. */
export function lineDiff(before: string, after: string, indent: string): string {
  const line = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
  const patch = structuredPatch("before", "after", line(before), line(after), "", "", { context: DIFF_CONTEXT });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    for (const line of hunk.lines) if (!line.startsWith("\\")) lines.push(line);
  }
  const body = lines.join("\n");
  const mark = fence(body);
  return `${indent}${mark}diff\n${body
    .split("\n")
    .map((line) => `${indent}${line}`)
    .join("\n")}\n${indent}${mark}\n`;
}

function isLong(text: string, prepared: unknown): boolean {
  return text.length > INLINE_VALUE_CHARS || (typeof prepared === "string" && prepared.includes("\n"));
}

/** Whether `path` is, holds or lies inside one of the paths that force a replacement. */
function forcesReplacement(path: Path, replacePaths: readonly Path[]): boolean {
  return replacePaths.some((forced) => {
    const n = Math.min(forced.length, path.length);
    for (let i = 0; i < n; i += 1) if (String(forced[i]) !== String(path[i])) return false;
    return true;
  });
}

/** Markdown lines for the changed attributes of an update, replacement or drift. */
export function changeLines(change: Change, indent: string, options: { skipNewUnknown?: boolean } = {}): string {
  const replacePaths = change.replace_paths ?? [];
  let text = "";
  for (const attribute of changedAttributes(change, options)) {
    const mark = forcesReplacement(attribute.path, replacePaths) ? " **(forces replacement)**" : "";
    const name = code(pathText(attribute.path) || "(whole value)");
    const from = valueText(attribute.before);
    const to = valueText(attribute.after);
    if (isLong(from, attribute.before) || isLong(to, attribute.after)) {
      text += `${indent}- ${name}${mark}: changed lines\n\n`;
      text += `${lineDiff(prettyText(attribute.before), prettyText(attribute.after), `${indent}  `)}\n`;
    } else {
      text += `${indent}- ${name}: ${code(from)} → ${code(to)}${mark}\n`;
    }
  }
  return text;
}

/** Markdown lines with every known attribute of a created object; unknown ones named on one line. */
export function createdLines(change: Change, indent: string): string {
  const after = prepare(change.after ?? undefined, change.after_sensitive, change.after_unknown);
  if (!isObject(after)) return `${indent}- ${code(valueText(after))}\n`;
  let text = "";
  const unknown: string[] = [];
  for (const key of Object.keys(after).sort()) {
    const value = after[key];
    if (value === null || value === undefined) continue;
    const shown = valueText(value);
    if (shown === "(known after apply)") {
      unknown.push(key);
      continue;
    }
    if (isLong(shown, value)) {
      const pretty = prettyText(value);
      const mark = fence(pretty);
      text += `${indent}- ${code(key)}:\n\n${indent}  ${mark}\n${pretty
        .split("\n")
        .map((line) => `${indent}  ${line}`)
        .join("\n")}\n${indent}  ${mark}\n\n`;
    } else {
      text += `${indent}- ${code(key)}: ${code(shown)}\n`;
    }
  }
  if (unknown.length > 0) text += `${indent}- known after apply: ${unknown.map((key) => code(key)).join(", ")}\n`;
  return text;
}

/** Attributes that name an object, in the order they are shown for a deletion. */
const IDENTIFYING = [
  "id",
  "arn",
  "name",
  "self_link",
  "identifier",
  "bucket",
  "fqdn",
  "hostname",
  "zone_id",
  "project",
  "location",
  "region",
  "resource_group_name",
];

/** `id`, `arn`, `name`, ... of the object a deletion removes (redacted), on one line. */
export function identifyingText(change: Change): string {
  const before = prepare(change.before ?? undefined, change.before_sensitive);
  if (!isObject(before)) return "";
  const scalar = (value: unknown) => ["string", "number", "boolean"].includes(typeof value);
  let keys = IDENTIFYING.filter((key) => scalar(before[key]));
  if (keys.length === 0)
    keys = Object.keys(before)
      .filter((key) => scalar(before[key]))
      .slice(0, 3);
  return keys.map((key) => `${code(key)} ${code(valueText(before[key]))}`).join(", ");
}
