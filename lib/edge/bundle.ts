/**
 * Bundles the router Worker (lib/edge/worker/index.ts) into one ES module with
 * esbuild, in memory, at synth time: ~15 ms, no network, no files written.
 * The output depends only on the sources and the pinned esbuild version, so
 * synth stays byte-for-byte deterministic. Not minified: the script is read in
 * plan diffs and in the Cloudflare dashboard, and it is far below the limits.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildSync } from "esbuild";

export interface WorkerBundle {
  /** The ES module source uploaded as `main_module`. */
  readonly code: string;
  /** Size of `code` in bytes (UTF-8). */
  readonly bytes: number;
  /** Hex SHA-256 of `code`. */
  readonly sha256: string;
}

/**
 * Repository root, the nearest folder above this file with a package.json:
 * `__dirname` is lib/edge under tsx and jest but .gen/run when synth runs as
 * a bundle (bin/run.cjs). Also esbuild's working directory, so the path
 * comments in the output are relative and stable.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
const ROOT = findRoot(__dirname);
export const WORKER_ENTRY = join(ROOT, "lib", "edge", "worker", "index.ts");

let cached: WorkerBundle | undefined;

/** The bundled Worker; built once per process (every stack of a synth shares it). */
export function bundleWorker(): WorkerBundle {
  cached ??= buildWorker();
  return cached;
}

/** Builds the Worker afresh. */
export function buildWorker(): WorkerBundle {
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [WORKER_ENTRY],
    bundle: true,
    write: false,
    format: "esm",
    // neutral: no Node built-ins resolve, so a stray `node:` import fails the build instead of the deploy.
    platform: "neutral",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    sourcemap: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  return {
    code: file.text,
    bytes: file.contents.byteLength,
    sha256: createHash("sha256").update(file.contents).digest("hex"),
  };
}
