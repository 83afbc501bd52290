/**
 * Bundles the router Worker (lib/edge/worker/index.ts) into one ES module with
 * esbuild at synth time: no network; the result is cached in .gen/edge/ by the
 * repository's one cache policy (app/build/build-cache.cjs).
 * The output depends only on the sources and the pinned esbuild version, so
 * synth stays byte-for-byte deterministic. Not minified: the script is read in
 * plan diffs and in the Cloudflare dashboard, and it is far below the limits.
 */
import { join, relative } from "node:path";
import type { BuildOptions } from "esbuild";
import { buildKey, cacheDir, readRecord, sha256, writeRecord } from "../../app/build/build-cache.cjs";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { ConstructError } from "../contract/errors";

export interface WorkerBundle {
  /** The ES module source uploaded as `main_module`. */
  readonly code: string;
  /** Size of `code` in bytes (UTF-8). */
  readonly bytes: number;
  /** Hex SHA-256 of `code`. */
  readonly sha256: string;
}

/** Also esbuild's working directory, so the path comments in the output are relative and stable. */
const ROOT = REPOSITORY_ROOT;
export const WORKER_ENTRY = join(ROOT, "lib", "edge", "worker", "index.ts");

const cached = new Map<string, WorkerBundle>();

/**
 * The bundled Worker; built once per process (every stack of a synth shares
 * it) and reused across runs from `.gen/edge/` while every input file, the
 * build options and the esbuild version are unchanged (starting esbuild was
 * ~0.1 s of each synth).
 */
export function bundleWorker(): WorkerBundle {
  return bundleScript(WORKER_ENTRY, "worker");
}

/**
 * Any Worker entry of the repository (the alert relay is another), bundled and cached the same way,
 * in `.gen/edge/<name>.json`.
 */
export function bundleScript(entry: string, name: string): WorkerBundle {
  let bundle = cached.get(entry);
  if (bundle === undefined) {
    bundle = fromCache(entry, name) ?? build(entry, name);
    cached.set(entry, bundle);
  }
  return bundle;
}

const BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  write: false,
  format: "esm",
  // neutral: no Node built-ins resolve, so a stray `node:` import fails the build instead of the deploy.
  platform: "neutral",
  target: "es2022",
  charset: "utf8",
  legalComments: "none",
  sourcemap: false,
  metafile: true,
  logLevel: "silent",
};

const cacheFile = (name: string): string => join(cacheDir(ROOT, "edge"), `${name}.json`);
const cacheKey = (entry: string): string => buildKey(BUILD_OPTIONS, { entry: relative(ROOT, entry) });

/** What a Worker's cache record holds beside its key and inputs. */
interface CachedScript {
  readonly code: string;
}

function fromCache(file: string, name: string): WorkerBundle | undefined {
  const record = readRecord<CachedScript>(ROOT, cacheFile(name), cacheKey(file));
  return typeof record?.code === "string" ? describe(record.code) : undefined;
}

function describe(code: string): WorkerBundle {
  const bytes = Buffer.from(code, "utf8");
  return { code, bytes: bytes.byteLength, sha256: sha256(bytes) };
}

/** Builds the Worker afresh (and refreshes the cache). */
export function buildWorker(): WorkerBundle {
  return build(WORKER_ENTRY, "worker");
}

function build(file: string, name: string): WorkerBundle {
  // Loaded only to build: a synth that finds the bundle cached never starts esbuild's module.
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync({ ...BUILD_OPTIONS, absWorkingDir: ROOT, entryPoints: [file] });
  const [output] = result.outputFiles ?? [];
  if (output === undefined || result.metafile === undefined)
    throw new ConstructError("BPE_EDGE_4", undefined, "esbuild returned no Worker bundle");
  const code = output.text;
  writeRecord<CachedScript>(ROOT, cacheFile(name), cacheKey(file), Object.keys(result.metafile.inputs), { code });
  return describe(code);
}
