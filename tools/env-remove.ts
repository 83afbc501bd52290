/**
 * `npm run env:remove -- <name>`: the inverse of env:add. Deletes
 * `environments/<name>.ts`, its import and entry in `environments/index.ts`,
 * its entry in `environments/bootstrap.ts` and its recorded Terraform addresses,
 * and regenerates `.gitlab-ci.yml`.
 * Everything is checked first (the remaining configuration must validate, no
 * other file may import the environment's file): on any problem it prints one
 * message and changes nothing. Cloud resources are not touched: destroy a
 * deployed environment before removing it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPipeline } from "../ci/pipeline/pipeline";
import { ConfigError } from "../lib/config/errors";
import { type EnvironmentFiles, loadConfiguration } from "../lib/config/load";
import { ADDRESSES_DIR } from "./addresses";
import { bootstrapRecord, type EnvAddError, entryKey, identifierOf, keyOf } from "./env-add";

/** A problem the user can fix; the CLI prints it alone and exits 1. */
export class EnvRemoveError extends Error {}

/** The texts env:remove reads, by role. */
export interface EnvRemoveTexts {
  readonly index: string;
  readonly bootstrap: string;
}

/** New texts of index.ts and bootstrap.ts without `name`. */
export function envRemoveEdits(texts: EnvRemoveTexts, name: string): Record<string, string> {
  const id = identifierOf(name);
  const importLine = new RegExp(`^import \\{ ${id} \\} from "\\./${name}";\\n`, "m");
  if (!importLine.test(texts.index)) {
    throw new EnvRemoveError(`environments/index.ts: no \`import { ${id} } from "./${name}";\` to remove`);
  }
  let index = texts.index.replace(importLine, "");
  const list = /export const environments = \{([^}]*)\};/.exec(index);
  if (list === null) {
    throw new EnvRemoveError("environments/index.ts: no `export const environments = { ... };` found");
  }
  const entries = list[1]
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "" && entryKey(entry) !== name);
  index = index.replace(list[0], `export const environments = { ${entries.join(", ")} };`);

  let record: RegExpExecArray;
  try {
    record = bootstrapRecord(texts.bootstrap);
  } catch (error) {
    throw new EnvRemoveError((error as EnvAddError).message);
  }
  const indent = `${record[2]}  `;
  const lines = record[3].split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${indent}${keyOf(name)}:`));
  if (start < 0) throw new EnvRemoveError(`environments/bootstrap.ts: no \`${keyOf(name)}: ...\` entry to remove`);
  // The entry runs until the next line at its own indentation (one line, or a multi-line object).
  let end = start + 1;
  while (end < lines.length && !/^\S/.test(lines[end].slice(indent.length))) end++;
  lines.splice(start, end - start);
  const bootstrap = texts.bootstrap.replace(record[0], `${record[1]}${lines.join("\n")}${record[4]}`);
  return { "environments/index.ts": index, "environments/bootstrap.ts": bootstrap };
}

export interface EnvRemoveInputs {
  readonly files: EnvironmentFiles;
  readonly company: unknown;
  readonly bootstrap: { readonly environments: Readonly<Record<string, unknown>> } & Record<string, unknown>;
  /** Source files outside environments/ (path relative to the root, text), searched for imports of the file. */
  readonly sources: readonly { readonly path: string; readonly text: string }[];
}

/**
 * Checks everything, then writes. @returns the paths written or deleted, relative to `root`.
 * @throws EnvRemoveError (nothing changed) when the name is unknown, the last one, still imported,
 * or the rest would not validate.
 */
export function envRemove(root: string, name: string, inputs: EnvRemoveInputs): string[] {
  const names = Object.keys(inputs.files);
  if (!names.includes(name)) {
    throw new EnvRemoveError(`"${name}" is not an environment of environments/index.ts; known: ${names.join(", ")}`);
  }
  if (names.length === 1) {
    throw new EnvRemoveError(
      `"${name}" is the only environment; add another first (npm run env:add -- <name> --from ${name})`,
    );
  }
  const importer = new RegExp(`["'](\\.\\.?/)+environments/${name}["']|["']\\./${name}["']`);
  const importers = inputs.sources
    .filter((source) => source.path !== "environments/index.ts" && importer.test(source.text))
    .map((source) => source.path);
  if (importers.length > 0) {
    throw new EnvRemoveError(
      `environments/${name}.ts is still imported by ${importers.join(", ")}; change ${importers.length === 1 ? "it" : "them"} first`,
    );
  }
  const read = (path: string) => readFileSync(join(root, path), "utf8");
  const edits = envRemoveEdits(
    { index: read("environments/index.ts"), bootstrap: read("environments/bootstrap.ts") },
    name,
  );
  const files = Object.fromEntries(Object.entries(inputs.files).filter(([key]) => key !== name));
  const { [name]: _, ...rest } = inputs.bootstrap.environments;
  let pipeline: string;
  try {
    pipeline = renderPipeline(
      loadConfiguration(files, inputs.company, { ...inputs.bootstrap, environments: rest }).configs,
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new EnvRemoveError(
        `without "${name}" the configuration would not be valid; nothing was changed.\n${error.message}`,
      );
    }
    throw error;
  }
  const written = { ...edits, ".gitlab-ci.yml": pipeline };
  for (const [path, text] of Object.entries(written)) writeFileSync(join(root, path), text);
  rmSync(join(root, "environments", `${name}.ts`));
  // Its recorded Terraform addresses (npm run addresses) describe a stack that no longer exists.
  const recorded = join(ADDRESSES_DIR, `${name}.txt`);
  const deleted = existsSync(join(root, recorded)) ? [`${recorded} (deleted)`] : [];
  rmSync(join(root, recorded), { force: true });
  return [`environments/${name}.ts (deleted)`, ...Object.keys(written), ...deleted];
}
