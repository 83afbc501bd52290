/**
 * `npm run env:add -- <name> --from <env>`: a new environment as a copy of
 * another. Writes `environments/<name>.ts`, registers it in
 * `environments/index.ts` (right after `<env>`) and `environments/bootstrap.ts`,
 * and regenerates `.gitlab-ci.yml`. Everything is checked first, the new
 * configuration included: on any problem it prints one message and writes
 * nothing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPipeline } from "../ci/pipeline/pipeline";
import { ConfigError } from "../lib/config/errors";
import { type EnvironmentFiles, loadConfiguration, RESERVED_ENVIRONMENT_NAMES } from "../lib/config/load";
import { ENV_NAME } from "../lib/config/schema";

export const ENV_ADD_USAGE = `Usage: npm run env:add -- <name> --from <env>

Adds the environment <name> as a copy of <env>: writes environments/<name>.ts,
lists it in environments/index.ts (after <env>) and environments/bootstrap.ts,
and regenerates .gitlab-ci.yml. Then edit environments/<name>.ts: what differs
from <env> (account, subscription and project ids, sizes, backend, gate).

  <name>        2-20 lowercase letters, digits or hyphens, starting with a letter
  --from <env>  an environment of environments/index.ts to copy
  --help, -h    show this help

Nothing is written when a check fails. Exit status: 0 added; 1 refused; 2 bad usage.`;

/** A problem the user can fix; the CLI prints it alone and exits 1. */
export class EnvAddError extends Error {}

/** `eu-west` -> `euWest`: the identifier an environment file exports. */
export function identifierOf(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `qa` stays `qa`; `eu-west` is quoted as an object key. */
function keyOf(name: string): string {
  return /^[a-z][a-z0-9]*$/.test(name) ? name : JSON.stringify(name);
}

/** The texts env:add reads and writes, by path relative to the repository root. */
export interface EnvAddTexts {
  readonly index: string;
  readonly bootstrap: string;
  readonly from: string;
}

/** New texts for the three files (environments/<name>.ts, index.ts, bootstrap.ts). */
export function envAddEdits(texts: EnvAddTexts, name: string, from: string): Record<string, string> {
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
  const file = texts.from
    .replace(exportLine, `export const ${id} = {`)
    .replace(nameLine, `$1"${name}",`)
    .replace(
      /\/\*\*[\s\S]*?\*\/\n(?=export const)/,
      `/** ${name}: copied from environments/${from}.ts by env:add; edit what differs. */\n`,
    );

  // index.ts: an import (kept sorted, as Biome wants) and an entry right after <from>.
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
  const at = entries.findIndex((entry) => entry === fromId || entry.startsWith(`${keyOf(from)}:`));
  entries.splice(at < 0 ? entries.length : at + 1, 0, name === id ? id : `${keyOf(name)}: ${id}`);
  index = index.replace(list[0], `export const environments = { ${entries.join(", ")} };`);

  // bootstrap.ts: `<name>: {},` at the end of its `environments` record.
  const record = /(\n(\s*)environments: \{\n)([\s\S]*?)(\n\2\},)/.exec(texts.bootstrap);
  if (record === null) throw new EnvAddError("environments/bootstrap.ts: no `environments: { ... },` block found");
  const indent = `${record[2]}  `;
  const bootstrap = texts.bootstrap.replace(
    record[0],
    `${record[1]}${record[3]}\n${indent}${keyOf(name)}: {},${record[4]}`,
  );

  return { [`environments/${name}.ts`]: file, "environments/index.ts": index, "environments/bootstrap.ts": bootstrap };
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
 * Checks everything, then writes. @returns the paths written, relative to `root`.
 * @throws EnvAddError (nothing written) when the name, the source or the resulting configuration is wrong.
 */
export function envAdd(root: string, name: string, from: string, inputs: EnvAddInputs): string[] {
  const problems = nameProblems(name, from, inputs.files, root);
  if (problems.length > 0) throw new EnvAddError(problems.join("\n"));
  const read = (path: string) => readFileSync(join(root, path), "utf8");
  const edits = envAddEdits(
    {
      index: read("environments/index.ts"),
      bootstrap: read("environments/bootstrap.ts"),
      from: read(`environments/${from}.ts`),
    },
    name,
    from,
  );
  // The configuration as it will be: the copy under its new name, listed after its source.
  const files: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(inputs.files)) {
    files[key] = input;
    if (key === from) files[name] = { ...structuredClone(input as object), name };
  }
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
