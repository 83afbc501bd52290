/**
 * Bundles the router Worker (lib/edge/worker/index.ts) into one ES module with
 * esbuild at synth time: no network; the result is cached in .gen/edge/.
 * The output depends only on the sources and the pinned esbuild version, so
 * synth stays byte-for-byte deterministic. Not minified: the script is read in
 * plan diffs and in the Cloudflare dashboard, and it is far below the limits.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
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

const cacheFile = (name: string): string => join(ROOT, ".gen", "edge", `${name}.json`);
const sha256 = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");
const cacheKey = (entry: string): string => sha256(JSON.stringify({ BUILD_OPTIONS, esbuildVersion, entry }));

interface CacheEntry {
  readonly key: string;
  /** sha256 of every file esbuild read, by path relative to the repository root. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly code: string;
}

function fromCache(file: string, name: string): WorkerBundle | undefined {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(name), "utf8")) as CacheEntry;
    if (entry.key !== cacheKey(file)) return undefined;
    for (const [input, hash] of Object.entries(entry.inputs)) {
      if (sha256(readFileSync(join(ROOT, input))) !== hash) return undefined;
    }
    return describe(entry.code);
  } catch {
    return undefined; // missing, unreadable or stale: build afresh
  }
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
  const result = buildSync({ ...BUILD_OPTIONS, absWorkingDir: ROOT, entryPoints: [file] });
  const [output] = result.outputFiles ?? [];
  if (output === undefined || result.metafile === undefined)
    throw new ConstructError("BPE_EDGE_4", undefined, "esbuild returned no Worker bundle");
  const code = output.text;
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .sort()
      .map((input) => [input, sha256(readFileSync(join(ROOT, input)))]),
  );
  // Parallel test workers share the file: write whole, then rename.
  const target = cacheFile(name);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}`;
  writeFileSync(partial, JSON.stringify({ key: cacheKey(file), inputs, code } satisfies CacheEntry));
  renameSync(partial, target);
  return describe(code);
}
