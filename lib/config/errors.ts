/**
 * Turns schema issues into the one readable report synth prints, one line per
 * problem, always in this format (docs/forking.md):
 * `<file>: <label>.<field.path>: <what is wrong, what is allowed>`,
 * e.g. `environments/staging.ts: staging.service.memoryMb: must be at least 128`.
 */
import type { z } from "zod";

/** A problem the user can fix in `environments/`; main.ts prints it without a stack trace. */
export class ConfigError extends Error {
  /**
   * @param problems - one line each, `<file>: <label>.<field.path>: ...`
   * @param subject - what was invalid, for the first line @default "environment configuration"
   */
  constructor(
    readonly problems: readonly string[],
    subject = "environment configuration",
  ) {
    super(
      `Invalid ${subject} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.message.includes("received undefined")) return `is required (expected ${issue.expected})`;
      // zod reports a fraction where `.int()` is asked as a type error: say it in words.
      return issue.expected === "int" ? "must be a whole number" : `must be a ${issue.expected}`;
    case "invalid_value":
      return `is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return "does not match any allowed shape";
    case "invalid_key":
      // A record key: the key's own check says what is wrong.
      return issue.issues[0]?.message ?? issue.message;
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "custom":
      return issue.message;
    default:
      return issue.message;
  }
}

/** One line per problem, each prefixed by `label` and the dotted path. */
export function formatIssues(
  label: string,
  issues: readonly Issue[],
  allowedKeys: (path: PropertyKey[]) => string[] | undefined,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const base = [label, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(issue.path);
      for (const key of issue.keys) {
        lines.push(
          `${[...base, key].join(".")}: is not a known field${allowed ? `; allowed: ${allowed.join(", ")}` : ""}`,
        );
      }
      continue;
    }
    lines.push(`${base.join(".")}: ${describe(issue)}`);
  }
  return lines;
}

/** The field names allowed at `path` in `schema`, for "did you mean" hints. */
export function allowedKeysIn(schema: z.core.$ZodType, path: PropertyKey[]): string[] | undefined {
  let node: z.core.$ZodType = schema;
  for (const segment of [...path, undefined]) {
    // Unwrap optional/default wrappers until an object (or something else) shows.
    for (;;) {
      const def = node._zod.def as { type: string; innerType?: z.core.$ZodType };
      if ((def.type === "optional" || def.type === "default") && def.innerType) node = def.innerType;
      else break;
    }
    // A record's values share one schema: step into it whatever the key.
    const record = node._zod.def as { type: string; valueType?: z.core.$ZodType };
    if (record.type === "record" && record.valueType && segment !== undefined) {
      node = record.valueType;
      continue;
    }
    if (node._zod.def.type !== "object") return undefined;
    const shape = (node as z.ZodObject).shape;
    if (segment === undefined) return Object.keys(shape);
    const next = shape[String(segment)];
    if (!next) return undefined;
    node = next;
  }
  return undefined;
}
