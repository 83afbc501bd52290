/**
 * `npm run env:add -- <name> --from <env> --aws-account ... --gcp-project ...`:
 * a new environment as a copy of another, with ids of its own (never the
 * source's). Writes `environments/<name>.ts`, registers it in
 * `environments/index.ts` and `environments/bootstrap.ts` in promotion order
 * (before the first protected or production-tier environment, or after
 * `--after`), and regenerates `.gitlab-ci.yml`. Everything is checked first,
 * the new configuration included: on any problem it prints one message and
 * writes nothing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPipeline } from "../ci/pipeline/pipeline";
import { ConfigError } from "../lib/config/errors";
import { type EnvironmentFiles, loadConfiguration, RESERVED_ENVIRONMENT_NAMES } from "../lib/config/load";
import { CLOUDS, type Cloud, ENV_NAME, type EnvironmentConfig } from "../lib/config/schema";

/** A problem the user can fix; the CLI prints it alone and exits 1. */
export class EnvAddError extends Error {}

/** The ids of each cloud's account an environment deploys to: the flags of env:add. */
export interface CloudIds {
  readonly aws?: string;
  readonly azure?: string;
  readonly gcp?: string;
}

/** Per cloud: the flag that gives its id, and the field of its settings block that holds it. */
export const ID_FLAGS: Readonly<
  Record<Cloud, { readonly flag: string; readonly field: string; readonly what: string }>
> = {
  aws: { flag: "--aws-account", field: "accountId", what: "12-digit account id" },
  azure: { flag: "--azure-subscription", field: "subscriptionId", what: "subscription id" },
  gcp: { flag: "--gcp-project", field: "project", what: "project id" },
};

/** What env:add is asked: the copy's source, its place in promotion order and its ids. */
export interface EnvAddRequest {
  readonly from: string;
  /** List the new environment right after this one. @default - before the first protected or production-tier environment, else last */
  readonly after?: string;
  /** @default {} (refused when the copy enables a cloud whose id is missing) */
  readonly ids?: CloudIds;
}

/** `eu-west` -> `euWest`: the identifier an environment file exports. */
export function identifierOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `qa` stays `qa`; `eu-west` is quoted as an object key. */
export function keyOf(name: string): string {
  return /^[a-z][a-z0-9]*$/.test(name) ? name : JSON.stringify(name);
}

/** The texts env:add reads and writes, by path relative to the repository root. */
export interface EnvAddTexts {
  readonly index: string;
  readonly bootstrap: string;
  readonly from: string;
}

/**
 * New texts for the three files (environments/<name>.ts, index.ts, bootstrap.ts).
 * @param before - the environment the new one is listed before @default - listed last
 * @param ids - the new environment's ids, written over the copied ones @default {}
 */
export function envAddEdits(
  texts: EnvAddTexts,
  name: string,
  from: string,
  before?: string,
  ids: CloudIds = {},
): Record<string, string> {
  const fromId = identifierOf(from);
  const id = identifierOf(name);
  const exportLine = new RegExp(`export const ${fromId} = \\{`);
  if (!exportLine.test(texts.from)) {
    throw new EnvAddError(`environments/${from}.ts: no \`export const ${fromId} = {\`; env:add copies that shape`);
  }
  const nameLine = new RegExp(`(\\n\\s*name: )"${from}",`);
  if (!nameLine.test(texts.from)) {
    throw new EnvAddError(`environments/${from}.ts: no \`name: "${from}",\` line to rename`);
  }
  const file = withIds(texts.from, ids, `environments/${from}.ts`)
    .replace(exportLine, `export const ${id} = {`)
    .replace(nameLine, `$1"${name}",`)
    .replace(
      /\/\*\*[\s\S]*?\*\/\n(?=export const)/,
      `/** ${name}: copied from environments/${from}.ts by env:add; edit what differs. */\n`,
    );

  // index.ts: an import (kept sorted, as Biome wants) and an entry before <before> (or last).
  const importLine = `import { ${id} } from "./${name}";`;
  const imports = texts.index.match(/^import \{ \w+ \} from "\.\/[a-z0-9-]+";$/gm) ?? [];
  if (imports.length === 0) throw new EnvAddError("environments/index.ts: no environment imports found");
  const sorted = [...imports, importLine].sort((a, b) => sourceOf(a).localeCompare(sourceOf(b)));
  let index = texts.index.replace(imports.join("\n"), sorted.join("\n"));
  const list = /export const environments = \{([^}]*)\};/.exec(index);
  if (list === null) throw new EnvAddError("environments/index.ts: no `export const environments = { ... };` found");
  const entries = list[1]
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const at = before === undefined ? -1 : entries.findIndex((entry) => entryKey(entry) === before);
  entries.splice(at < 0 ? entries.length : at, 0, name === id ? id : `${keyOf(name)}: ${id}`);
  index = index.replace(list[0], `export const environments = { ${entries.join(", ")} };`);

  // bootstrap.ts: `<name>: {},` in its `environments` record, before <before>'s entry (or last).
  const record = bootstrapRecord(texts.bootstrap);
  const indent = `${record[2]}  `;
  const lines = record[3].split("\n");
  const beforeLine = lines.findIndex((line) => before !== undefined && line.startsWith(`${indent}${keyOf(before)}:`));
  lines.splice(beforeLine < 0 ? lines.length : beforeLine, 0, `${indent}${keyOf(name)}: {},`);
  const bootstrap = texts.bootstrap.replace(record[0], `${record[1]}${lines.join("\n")}${record[4]}`);

  return { [`environments/${name}.ts`]: file, "environments/index.ts": index, "environments/bootstrap.ts": bootstrap };
}

/**
 * An environment file's text with `ids` written over the ids it holds, each
 * inside its cloud's own block (`aws: { ..., accountId: "..." }`).
 * @param file - the file's path, for the message when a block has no such field
 */
export function withIds(text: string, ids: CloudIds, file: string): string {
  let result = text;
  for (const cloud of CLOUDS) {
    const value = ids[cloud];
    if (value === undefined) continue;
    const field = ID_FLAGS[cloud].field;
    // Nothing nested between the block's opening and the field.
    const idLine = new RegExp(`(\\b${cloud}: \\{[^{}]*?\\b${field}: )"[^"]*"`);
    if (!idLine.test(result)) {
      throw new EnvAddError(`${file}: no \`${cloud}: { ${field}: "..." }\` to write the ${cloud} id into`);
    }
    result = result.replace(idLine, `$1${JSON.stringify(value)}`);
  }
  return result;
}

/** The environment name of an `environments = { ... }` entry: `qa`, `"eu-west": euWest`. */
export function entryKey(entry: string): string {
  const key = entry.includes(":") ? entry.slice(0, entry.indexOf(":")).trim() : entry.trim();
  // keyOf quotes every name that is not its own identifier, so a bare key is the name.
  return key.startsWith('"') ? (JSON.parse(key) as string) : key;
}

/** bootstrap.ts's `environments: { ... },` record: [whole, opening line, indent, body, closing line]. */
export function bootstrapRecord(text: string): RegExpExecArray {
  const record = /(\n(\s*)environments: \{\n)([\s\S]*?)(\n\2\},)/.exec(text);
  if (record === null) throw new EnvAddError("environments/bootstrap.ts: no `environments: { ... },` block found");
  return record;
}

function sourceOf(importLine: string): string {
  return /from "(.*)"/.exec(importLine)?.[1] ?? importLine;
}

/** Every reason `name` cannot be added from `from`, given the environments listed today. */
export function nameProblems(name: string, from: string, files: EnvironmentFiles, root: string): string[] {
  const problems: string[] = [];
  if (!ENV_NAME.test(name)) {
    problems.push(
      `"${name}" is not a valid environment name: 2-20 lowercase letters, digits or hyphens, starting with a letter`,
    );
  } else if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    problems.push(`"${name}" is reserved for environments/${name}.ts itself; choose another name`);
  } else if (name in files || existsSync(join(root, "environments", `${name}.ts`))) {
    problems.push(`environment "${name}" exists already (environments/${name}.ts); choose another name`);
  }
  if (!(from in files)) {
    problems.push(
      `--from "${from}" is not an environment of environments/index.ts; known: ${Object.keys(files).join(", ")}`,
    );
  }
  return problems;
}

export interface EnvAddInputs {
  readonly files: EnvironmentFiles;
  readonly company: unknown;
  readonly bootstrap: { readonly environments: Readonly<Record<string, unknown>> } & Record<string, unknown>;
}

/**
 * Where a new environment goes in promotion order: right after `after`, else
 * before the first protected or production-tier environment.
 * @returns the environment it is listed before, undefined for last
 */
export function placeBefore(configs: readonly EnvironmentConfig[], after?: string): string | undefined {
  if (after !== undefined) return configs[configs.findIndex((env) => env.name === after) + 1]?.name;
  return configs.find((env) => env.protect || env.deploy.tier === "production")?.name;
}

/** The clouds a copy of `input` enables: its own list, else the company's. */
function cloudsOf(input: unknown, company: unknown): Cloud[] {
  const own = (input as { clouds?: unknown }).clouds;
  const list = Array.isArray(own) ? own : ((company as { clouds?: unknown }).clouds as unknown[] | undefined);
  return CLOUDS.filter((cloud) => (list ?? []).includes(cloud));
}

/** A missing id for an enabled cloud, or an id for a cloud that is off: one line each. */
function idProblems(name: string, from: string, clouds: readonly Cloud[], ids: CloudIds): string[] {
  const problems: string[] = [];
  const missing = clouds.filter((cloud) => ids[cloud] === undefined);
  if (missing.length > 0) {
    const flags = missing.map((cloud) => `${ID_FLAGS[cloud].flag} <${ID_FLAGS[cloud].what}>`).join(" ");
    problems.push(
      `"${name}" enables ${missing.join(", ")} (as "${from}" does): give its own ${flags}; env:add never reuses "${from}"'s ids`,
    );
  }
  for (const cloud of CLOUDS.filter((c) => ids[c] !== undefined && !clouds.includes(c))) {
    problems.push(`${ID_FLAGS[cloud].flag}: "${name}" does not enable ${cloud} (clouds: ${clouds.join(", ")})`);
  }
  return problems;
}

/**
 * Checks everything, then writes. @returns the paths written, relative to `root`.
 * @throws EnvAddError (nothing written) when the name, the source, the ids or the resulting configuration is wrong.
 */
export function envAdd(root: string, name: string, request: EnvAddRequest, inputs: EnvAddInputs): string[] {
  const { from, after } = request;
  const ids = request.ids ?? {};
  const problems = nameProblems(name, from, inputs.files, root);
  if (after !== undefined && !(after in inputs.files)) {
    problems.push(
      `--after "${after}" is not an environment of environments/index.ts; known: ${Object.keys(inputs.files).join(", ")}`,
    );
  }
  if (problems.length === 0)
    problems.push(...idProblems(name, from, cloudsOf(inputs.files[from], inputs.company), ids));
  if (problems.length > 0) throw new EnvAddError(problems.join("\n"));

  // Where it goes, from the configuration as it is (which must be valid to start with).
  let current: EnvironmentConfig[];
  try {
    current = loadConfiguration(inputs.files, inputs.company, inputs.bootstrap).configs;
  } catch (error) {
    if (error instanceof ConfigError) throw new EnvAddError(`fix the configuration first:\n${error.message}`);
    throw error;
  }
  const before = placeBefore(current, after);
  const read = (path: string) => readFileSync(join(root, path), "utf8");
  const edits = envAddEdits(
    {
      index: read("environments/index.ts"),
      bootstrap: read("environments/bootstrap.ts"),
      from: read(`environments/${from}.ts`),
    },
    name,
    from,
    before,
    ids,
  );
  // The configuration as it will be: the copy under its new name, with its ids, in its place.
  const source = structuredClone(inputs.files[from] as Record<string, unknown>);
  const copy: Record<string, unknown> = { ...source, name };
  for (const cloud of CLOUDS) {
    const value = ids[cloud];
    if (value !== undefined) copy[cloud] = { ...(source[cloud] as object), [ID_FLAGS[cloud].field]: value };
  }
  const files: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(inputs.files)) {
    if (key === before) files[name] = copy;
    files[key] = input;
  }
  if (before === undefined) files[name] = copy;
  const bootstrap = { ...inputs.bootstrap, environments: { ...inputs.bootstrap.environments, [name]: {} } };
  let pipeline: string;
  try {
    pipeline = renderPipeline(loadConfiguration(files, inputs.company, bootstrap).configs);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new EnvAddError(
        `environment "${name}" copied from "${from}" would not be valid; nothing was written.\n${error.message}`,
      );
    }
    throw error;
  }
  const written = { ...edits, ".gitlab-ci.yml": pipeline };
  for (const [path, text] of Object.entries(written)) writeFileSync(join(root, path), text);
  return Object.keys(written);
}
