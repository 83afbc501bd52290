/**
 * Validates the list from `environments/index.ts`: every environment against
 * the schema, and the list as a whole (no duplicate names). Throws one
 * ConfigError listing every problem found.
 */
import type { z } from "zod";
import { ConfigError, formatIssues } from "./errors";
import { type EnvironmentConfig, environmentSchema } from "./schema";

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

function labelOf(input: unknown, index: number): string {
  const name = (input as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.length > 0 ? name : `environments[${index}]`;
}

export function loadEnvironments(inputs: readonly unknown[]): EnvironmentConfig[] {
  const problems: string[] = [];
  const configs: EnvironmentConfig[] = [];
  if (inputs.length === 0) problems.push("environments: the list is empty; add at least one environment");
  const firstIndexByName = new Map<string, number>();
  inputs.forEach((input, index) => {
    const label = labelOf(input, index);
    const firstIndex = firstIndexByName.get(label);
    if (firstIndex !== undefined) {
      problems.push(`${label}.name: is used by environments[${firstIndex}] too; environment names must be unique`);
    } else {
      firstIndexByName.set(label, index);
    }
    const result = environmentSchema.safeParse(input);
    if (result.success) configs.push(result.data);
    else problems.push(...formatIssues(label, result.error.issues, (path) => allowedKeysIn(environmentSchema, path)));
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}
