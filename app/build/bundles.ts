/**
 * Packages the workload. Each cloud's function zip holds one esbuild bundle of
 * its adapter plus the few files the platform reads; zips are written with a
 * fixed timestamp and sorted entries, so the same sources always give the same
 * bytes and hash (and only a code change changes the plan). The container
 * server and the Worker module are single-file bundles built the same way.
 *
 * Synth calls `functionBundles()`; the repository's one content-hash cache
 * (build-cache.cjs, records in `.gen/functions/`) skips esbuild when no input
 * file changed, so synth and tests stay fast.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildOptions } from "esbuild";
import { AZURE_FUNCTION_NAME, GCP_ENTRY_POINT, LAMBDA_HANDLER } from "../contract";
import { buildKey, cacheDir, readRecord, sha256, writeAtomically, writeRecord } from "./build-cache.cjs";
import { REPOSITORY_ROOT } from "./repository-root";

// Re-exported so cloud code can take every name from the module that builds the zips.
export {
  AZURE_FUNCTION_NAME,
  AZURE_RUNTIME,
  CONTAINER_HEALTHCHECK_COMMAND,
  CONTAINER_PORT,
  CONTAINER_SERVER_PATH,
  GCP_ENTRY_POINT,
  GCP_RUNTIME,
  LAMBDA_ARCHITECTURE,
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
  WORKLOAD_ENV,
} from "../contract";

const ROOT = REPOSITORY_ROOT;
/** This file, relative to ROOT: part of every zip's cache key. */
const BUILDER_SOURCE = "app/build/bundles.ts";
/** Where zips are written (their cache records: `.gen/functions/`); gitignored, rebuilt by synth. */
export const BUNDLE_DIR = join(ROOT, "dist", "functions");
/** `server.js` and `healthcheck.js` for the container image. */
export const CONTAINER_DIR = join(ROOT, "dist", "container");
/** `workload.js`, the Worker module. */
export const WORKER_DIR = join(ROOT, "dist", "worker");

// 1980-01-01, the earliest time a zip can hold: no build time leaks into the bytes.
const ZIP_MTIME = new Date(Date.UTC(1980, 0, 1));
/** The file every function zip runs; LAMBDA_HANDLER is `<this without .js>.<export>`. */
const MAIN_FILE = `${LAMBDA_HANDLER.split(".")[0]}.js`;

interface FunctionRecipe {
  /** Adapter entry point, relative to the repository root. */
  readonly entry: string;
  /** Modules the platform provides at run time; left out of the bundle. */
  readonly external: readonly string[];
  /** Extra files for the zip (package.json, host.json). */
  readonly files: Readonly<Record<string, string>>;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function rootDependencyVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return pkg.dependencies[name];
}

/**
 * One recipe per cloud the workload has a function adapter for. Keyed by the
 * cloud names of the registry (lib/config/schema.ts `CLOUDS`) without
 * importing it: EnvironmentStack takes `functionBundles()` as a
 * `Record<Cloud, FunctionBundle>`, so a cloud without a recipe fails the
 * type-check there.
 */
const FUNCTION_RECIPES = {
  aws: () => ({ entry: "app/adapters/aws-lambda.ts", external: [], files: {} }),
  azure: () => ({
    entry: "app/adapters/azure-functions.ts",
    // The Functions host injects the worker bridge; @azure/functions itself is bundled.
    external: ["@azure/functions-core"],
    files: {
      "package.json": json({ name: AZURE_FUNCTION_NAME, private: true, main: MAIN_FILE }),
      "host.json": json({
        version: "2.0",
        // Paths reach the workload as sent: no /api prefix.
        extensions: { http: { routePrefix: "" } },
        extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
      }),
    },
  }),
  gcp: () => ({
    entry: "app/adapters/gcp-functions.ts",
    // The runtime's invoker and our code must share one function registry, so the
    // framework is a dependency (installed by the buildpack), not bundled.
    external: ["@google-cloud/functions-framework"],
    files: {
      "package.json": json({
        name: GCP_ENTRY_POINT,
        private: true,
        main: MAIN_FILE,
        engines: { node: ">=22" },
        dependencies: {
          "@google-cloud/functions-framework": rootDependencyVersion("@google-cloud/functions-framework"),
        },
      }),
    },
  }),
} satisfies Readonly<Record<string, () => FunctionRecipe>>;

/** A cloud the workload has a function adapter (and a zip recipe) for. */
export type FunctionCloud = keyof typeof FUNCTION_RECIPES;
export const FUNCTION_CLOUDS = Object.keys(FUNCTION_RECIPES) as FunctionCloud[];

/** A zipped function bundle of the workload for one cloud, built deterministically. */
export interface FunctionBundle {
  /** Absolute path of the zip file. */
  readonly path: string;
  /** Hex SHA-256 of the zip bytes; changes exactly when the code changes. */
  readonly sha256: string;
}

/** esbuild settings shared by every Node bundle; also part of the cache key. */
const NODE_BUILD: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  legalComments: "none",
  charset: "utf8",
};

interface Bundled {
  readonly code: Uint8Array;
  /** Every file esbuild read, relative to the repository root. */
  readonly inputs: readonly string[];
}

function bundle(entry: string, options: BuildOptions): Bundled {
  // esbuild and fflate are loaded only to build: a synth that finds every zip cached never loads them.
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync({
    ...options,
    absWorkingDir: ROOT,
    entryPoints: [entry],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs).sort() };
}

function zip(files: Readonly<Record<string, Uint8Array>>): Uint8Array {
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((name) => [name, files[name]] as const),
  );
  const { zipSync } = require("fflate") as typeof import("fflate");
  return zipSync(sorted, { level: 9, mtime: ZIP_MTIME });
}

/** What the cache records about one zip, beside its key and inputs. */
interface CachedZip {
  /** Absolute path of the zip the record describes. */
  readonly zip: string;
  readonly sha256: string;
}

/**
 * The recipe, esbuild settings and version, this file's source, the lockfile and tsconfig.json. The source
 * by path, not `__filename`: run through bin/run.cjs that is the running command's bundle, and every
 * other command would rebuild the three zips (0.8-1.2 s of CPU) the last one built.
 */
function cacheKey(recipe: FunctionRecipe): string {
  return buildKey(NODE_BUILD, {
    recipe,
    builder: fileHash(BUILDER_SOURCE),
    lock: sha256(readFileSync(join(ROOT, "package-lock.json"))),
    tsconfig: fileHash("tsconfig.json"),
  });
}

function fileHash(relativePath: string): string | undefined {
  const path = join(ROOT, relativePath);
  return existsSync(path) ? sha256(readFileSync(path)) : undefined;
}

/** The zip's record: in `.gen/functions/` for BUNDLE_DIR's zips, beside the zip for another folder's. */
function recordFile(outdir: string, cloud: FunctionCloud): string {
  return join(outdir === BUNDLE_DIR ? cacheDir(ROOT, "functions") : outdir, `${cloud}.json`);
}

/** The cached zip when its record matches the current inputs and the zip's bytes. */
function fromCache(path: string, record: string, key: string): FunctionBundle | undefined {
  const cached = readRecord<CachedZip>(ROOT, record, key);
  if (cached === undefined || cached.zip !== path || !existsSync(path)) return undefined;
  const hash = sha256(readFileSync(path));
  return hash === cached.sha256 ? { path, sha256: hash } : undefined;
}

export interface BuildOptionsForBundle {
  /** Folder for the zip. @default BUNDLE_DIR */
  readonly outdir?: string;
  /** Reuse the zip when no input changed. @default true */
  readonly cache?: boolean;
}

/** Builds one cloud's zip (or reuses the cached one) and returns its path and hash. */
export function buildFunctionBundle(cloud: FunctionCloud, options: BuildOptionsForBundle = {}): FunctionBundle {
  const outdir = options.outdir ?? BUNDLE_DIR;
  const recipe = FUNCTION_RECIPES[cloud]();
  const path = join(outdir, `${cloud}.zip`);
  const record = recordFile(outdir, cloud);
  const key = cacheKey(recipe);
  if (options.cache ?? true) {
    const cached = fromCache(path, record, key);
    if (cached !== undefined) return cached;
  }

  const bundled = bundle(recipe.entry, { ...NODE_BUILD, external: [...recipe.external] });
  const files: Record<string, Uint8Array> = { [MAIN_FILE]: bundled.code };
  for (const [name, text] of Object.entries(recipe.files)) files[name] = new TextEncoder().encode(text);
  const bytes = zip(files);
  const built: FunctionBundle = { path, sha256: sha256(bytes) };
  // Parallel test workers share the zips: a reader sees the old file or the new one, never half of one.
  writeAtomically(path, bytes);
  writeRecord<CachedZip>(ROOT, record, key, bundled.inputs, { zip: path, sha256: built.sha256 });
  return built;
}

/**
 * The zip's SHA-256 in base64, the form Lambda's `source_code_hash` and
 * Terraform's `filebase64sha256()` use (FunctionBundle.sha256 is hex).
 */
export function base64Sha256(bundle: FunctionBundle): string {
  return Buffer.from(bundle.sha256, "hex").toString("base64");
}

let cached: Readonly<Record<FunctionCloud, FunctionBundle>> | undefined;

/** Every cloud's bundle, built once per process (synth of several stacks shares them). */
export function functionBundles(): Readonly<Record<FunctionCloud, FunctionBundle>> {
  cached ??= Object.fromEntries(FUNCTION_CLOUDS.map((cloud) => [cloud, buildFunctionBundle(cloud)])) as Record<
    FunctionCloud,
    FunctionBundle
  >;
  return cached;
}

export interface ContainerFiles {
  /** The server (CONTAINER_SERVER_PATH in the image). */
  readonly server: string;
  /** The health check (CONTAINER_HEALTHCHECK_COMMAND). */
  readonly healthcheck: string;
}

/**
 * Writes the container's two self-contained files into `outdir`; the image
 * needs nothing else (no node_modules). Not minified: readable stack traces.
 */
export function buildContainer(outdir: string = CONTAINER_DIR): ContainerFiles {
  const build: BuildOptions = { ...NODE_BUILD, minify: false };
  const files = {
    server: join(outdir, "server.js"),
    healthcheck: join(outdir, "healthcheck.js"),
  };
  mkdirSync(outdir, { recursive: true });
  writeFileSync(files.server, bundle("app/adapters/container.ts", build).code);
  writeFileSync(files.healthcheck, bundle("app/adapters/container-healthcheck.ts", build).code);
  return files;
}

/** The Worker module as one ES module (what `workers_script` content or Miniflare runs). */
export function buildWorkerScript(): string {
  const { code } = bundle("app/adapters/cloudflare-worker.ts", {
    bundle: true,
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    format: "esm",
    minify: true,
    legalComments: "none",
    charset: "utf8",
  });
  return new TextDecoder().decode(code);
}

/** Writes the Worker module into `outdir` and returns its path. */
export function writeWorkerScript(outdir: string = WORKER_DIR): string {
  const path = join(outdir, "workload.js");
  mkdirSync(outdir, { recursive: true });
  writeFileSync(path, buildWorkerScript());
  return path;
}
