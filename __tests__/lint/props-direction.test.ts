/**
 * An environment's props travel one way: environments/ -> lib/config -> lib/stacks, which reads
 * the validated environment once and hands each construct only what it reads. Measured on the
 * syntax trees of the construct folders (swc's TypeScript parser, the one jest runs: the pinned
 * TypeScript 7 ships no JavaScript compiler API to ask instead):
 *
 * 1. No construct module imports lib/stacks, and from lib/config it imports types only, plus
 *    the vocabulary every layer shares (`VOCABULARY`: the cloud, origin and target kind lists,
 *    the environment and service name patterns). Loading or holding an environment
 *    (`loadEnvironments`, `environments/`, company defaults) stays above them.
 * 2. No construct module names the whole environment, `EnvironmentConfig`, other than to take
 *    one part of it (`EnvironmentConfig["aws"]`, a cloud's settings block): so no props type,
 *    parameter, alias or `Pick<>` of it can carry it down. Only lib/stacks holds it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseSync } from "@swc/core";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";

const ROOT = REPOSITORY_ROOT;
/** The folders of constructs and of the contract their props are written in. */
const CONSTRUCT_FOLDERS = [
  "lib/aws",
  "lib/azure",
  "lib/gcp",
  "lib/edge",
  "lib/relay",
  "lib/monitoring",
  "lib/contract",
];
/**
 * Values of lib/config a construct may import, by module: the names and name patterns every
 * layer shares (the cloud, origin and target kind lists, what an environment or service may be
 * called), never an environment.
 */
const SHARED_NAMES = ["CLOUDS", "ORIGINS", "TARGET_KINDS", "ENV_NAME"];
const VOCABULARY: Readonly<Record<string, ReadonlySet<string>>> = {
  "lib/config/schema": new Set(SHARED_NAMES),
  "lib/config/primitives": new Set(SHARED_NAMES),
  "lib/config/company": new Set(["SERVICE_NAME"]),
};
const WHOLE = "EnvironmentConfig";

// The parts of swc's AST this test reads.
interface Node {
  readonly type: string;
  readonly span?: { readonly start: number };
  readonly [field: string]: unknown;
}
interface Specifier extends Node {
  readonly local: { readonly value: string };
  readonly imported?: { readonly value: string } | null;
  readonly orig?: { readonly value: string };
  readonly exported?: { readonly value: string } | null;
  readonly isTypeOnly?: boolean;
}
interface ModuleItem extends Node {
  readonly source?: { readonly value: string } | null;
  readonly typeOnly?: boolean;
  readonly specifiers?: readonly Specifier[];
}

/** A module's path and syntax tree. */
interface Parsed {
  readonly file: string;
  readonly text: string;
  readonly body: readonly ModuleItem[];
  /** swc's span offset of the file's first byte. */
  readonly base: number;
}

/** Leading comments and blank space: the module's span starts after them, at its first token. */
const PREAMBLE = /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/;

function parse(file: string, text: string): Parsed {
  const module = parseSync(text, { syntax: "typescript", target: "es2022" });
  const preamble = Buffer.byteLength(PREAMBLE.exec(text)?.[0] ?? "", "utf8");
  return { file, text, body: module.body as unknown as ModuleItem[], base: module.span.start - preamble };
}

function tsFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(folder, name).replace(/\\/g, "/"));
}

/** `lib/config/schema` for "../config/schema" imported by `lib/aws/x.ts`; undefined for a package. */
function importedModule(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return relative(ROOT, resolve(ROOT, dirname(file), specifier))
    .replace(/\\/g, "/")
    .replace(/(\/index)?\.(ts|js)$/, "");
}

/** Imports and re-exports that break rule 1, as "file: what". */
function importViolations({ file, body }: Parsed): string[] {
  const problems: string[] = [];
  for (const item of body) {
    if (!["ImportDeclaration", "ExportNamedDeclaration", "ExportAllDeclaration"].includes(item.type)) continue;
    const target =
      item.source === undefined || item.source === null ? undefined : importedModule(file, item.source.value);
    if (target === undefined) continue;
    if (target === "lib/stacks" || target.startsWith("lib/stacks/")) {
      problems.push(`${file}: imports ${target}`);
      continue;
    }
    if (target !== "lib/config" && !target.startsWith("lib/config/")) continue;
    if (item.typeOnly === true) continue;
    const values =
      item.type === "ExportAllDeclaration"
        ? ["*"]
        : (item.specifiers ?? [])
            .filter((specifier) => specifier.isTypeOnly !== true)
            .map((specifier) =>
              specifier.type === "ImportSpecifier"
                ? (specifier.imported ?? specifier.local).value
                : specifier.type === "ExportSpecifier"
                  ? (specifier.orig?.value ?? "?")
                  : specifier.type === "ImportDefaultSpecifier"
                    ? "default"
                    : "*",
            );
    const allowed = VOCABULARY[target];
    for (const name of values.filter((value) => allowed?.has(value) !== true))
      problems.push(`${file}: imports the value ${name} from ${target}`);
  }
  return problems;
}

/** Every mention of the whole environment's type other than taking one part of it (rule 2), as "file:line". */
function wholeEnvironmentMentions({ file, text, body, base }: Parsed): string[] {
  const bytes = Buffer.from(text, "utf8");
  const lineAt = (offset: number): number => bytes.subarray(0, offset).toString("utf8").split("\n").length;
  const problems: string[] = [];
  const named = (name: unknown): boolean => {
    const n = name as Node & { value?: string; right?: { value?: string } };
    return n.value === WHOLE || n.right?.value === WHOLE;
  };
  const visit = (node: unknown, parent: Node | undefined): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parent);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const current = node as Node;
    if (current.type === "TsTypeReference" && named(current.typeName)) {
      const onePart = parent?.type === "TsIndexedAccessType" && parent.objectType === current;
      if (!onePart) problems.push(`${file}:${lineAt((current.span?.start ?? base) - base)} names ${WHOLE}`);
    }
    for (const [key, child] of Object.entries(current)) if (key !== "span") visit(child, current);
  };
  visit(body, undefined);
  return problems;
}

const modules = CONSTRUCT_FOLDERS.flatMap(tsFiles).map((file) => parse(file, readFileSync(join(ROOT, file), "utf8")));

describe("props travel down from environments/ to the constructs", () => {
  it("finds the construct modules it checks", () => {
    for (const folder of CONSTRUCT_FOLDERS)
      expect(modules.some(({ file }) => file.startsWith(`${folder}/`))).toBe(true);
  });

  it("no construct module imports lib/stacks, nor a value of lib/config beyond the shared vocabulary", () => {
    expect(modules.flatMap(importViolations)).toEqual([]);
  });

  it("no construct takes the whole environment (EnvironmentConfig): lib/stacks passes what each reads", () => {
    expect(modules.flatMap(wholeEnvironmentMentions)).toEqual([]);
  });

  it("catches both on a module that breaks them", () => {
    const broken = parse(
      "lib/aws/broken-example.ts",
      [
        "/** A construct module that breaks both rules. */",
        'import { loadEnvironments } from "../config";',
        'import { CLOUDS, type EnvironmentConfig } from "../config/schema";',
        'import type { Cloud } from "../config/schema";',
        'import { EnvironmentStack } from "../stacks/environment-stack";',
        'export type AwsPart = EnvironmentConfig["aws"];',
        "export interface BrokenProps { readonly config: EnvironmentConfig; readonly cloud: Cloud }",
        'export function broken(config: Pick<EnvironmentConfig, "name">, props: BrokenProps): unknown {',
        "  return [loadEnvironments, CLOUDS, EnvironmentStack, config, props];",
        "}",
      ].join("\n"),
    );
    expect(importViolations(broken)).toEqual([
      "lib/aws/broken-example.ts: imports the value loadEnvironments from lib/config",
      "lib/aws/broken-example.ts: imports lib/stacks/environment-stack",
    ]);
    expect(wholeEnvironmentMentions(broken)).toEqual([
      "lib/aws/broken-example.ts:7 names EnvironmentConfig",
      "lib/aws/broken-example.ts:8 names EnvironmentConfig",
    ]);
  });
});
