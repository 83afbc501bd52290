#!/usr/bin/env node
/**
 * `node bin/run.cjs <entry.ts> [args...]`: runs a TypeScript entry point of
 * this repository as one esbuild bundle of the repository's own code
 * (node_modules stay external), without type-checking (`npm run typecheck`
 * does that). Every npm script runs its entry with it instead of tsx: under
 * tsx, synth spent about 2 s more CPU per run (a loader thread round trip for
 * every module, and every cdktf token's stack trace mapped through source
 * maps; see BENCHMARKS.md), and a small tool started in 1.0 s, not 0.36 s.
 * The bundle is reused while none of its input files changed, which saves
 * esbuild's ~0.3 s, by the repository's one cache policy
 * (app/build/build-cache.cjs, shared with the Worker and function bundles): the
 * key hashes esbuild's version and the build options, an input counts as
 * unchanged when its content hash (SHA-256) is the one recorded, so a fresh
 * clone or a CI job that restores `.gen/` from its cache reuses it too; size
 * and mtime only spare re-hashing files nobody touched since the last check.
 * That module is plain CommonJS because this script runs before any
 * TypeScript can load; the bundle stays a file of its own (`.gen/run/`, not a
 * record's field) because Node loads it by path, with its source map.
 * Where its requests into node_modules resolved is recorded the same way
 * (inputs: npm's lockfiles), which spares Node's lookups on the next run, and
 * so is where each cdktf and provider module's inline source map starts, so
 * the next run reads the code alone.
 * Set NODE_OPTIONS=--enable-source-maps to see TypeScript positions in traces.
 */
"use strict";
/** Node's options for this process: its command line's and NODE_OPTIONS'. */
const NODE_OPTIONS = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
// V8 hands a function to its optimizing compiler (TurboFan, on a background thread) once the
// function has run through an "interrupt budget" of bytecode. In a command that lasts a second or
// two, most of what it optimizes that early has run its course by then: at 4x the default budget
// only the truly hot functions are optimized, which saved ~0.1 s of synth's ~1.3 s of CPU (4 shipped
// stacks) and ~5% of 30 generated environments', at the same wall time (BENCHMARKS.md). A budget
// given on the command line or in NODE_OPTIONS is left as it is.
if (!NODE_OPTIONS.some((option) => option.startsWith("--interrupt-budget"))) {
  require("node:v8").setFlagsFromString("--interrupt-budget=270336");
}
const { existsSync, mkdirSync, renameSync, rmSync } = require("node:fs");
const { basename, dirname, join, relative, resolve, sep } = require("node:path");
const { buildKey, cacheDir, readRecord, recordInputs, writeRecord } = require("../app/build/build-cache.cjs");

const ROOT = resolve(__dirname, "..");
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith(".ts")) {
  console.error("usage: node bin/run.cjs <entry.ts> [args...]");
  process.exit(1);
}

const outdir = cacheDir(ROOT, "run");
const outfile = join(outdir, `${relative(ROOT, resolve(entry)).replace(/[\\/]/g, "__").replace(/\.ts$/, "")}.cjs`);
const stampFile = `${outfile}.inputs.json`;

const BUILD_OPTIONS = {
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
};

const isFresh = () => existsSync(outfile) && readRecord(ROOT, stampFile, buildKey(BUILD_OPTIONS)) !== undefined;

function build() {
  const { buildSync } = require("esbuild");
  // Built under a private folder with the final file name (the bundle's sourceMappingURL names
  // it), then renamed: parallel runs (jest workers) never see a half-written bundle.
  const partialDir = join(outdir, `.tmp-${process.pid}`);
  const partial = join(partialDir, basename(outfile));
  mkdirSync(partialDir, { recursive: true });
  try {
    const result = buildSync({
      absWorkingDir: ROOT,
      entryPoints: [resolve(entry)],
      outfile: partial,
      ...BUILD_OPTIONS,
      metafile: true,
      logLevel: "silent",
    });
    renameSync(`${partial}.map`, `${outfile}.map`);
    renameSync(partial, outfile);
    writeRecord(ROOT, stampFile, buildKey(BUILD_OPTIONS), Object.keys(result.metafile.inputs));
  } finally {
    rmSync(partialDir, { recursive: true, force: true });
  }
}

try {
  if (!isFresh()) build();
} catch (error) {
  const messages = error.errors
    ? error.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`)
    : [error.message];
  console.error(`Cannot build ${entry}:\n  ${messages.join("\n  ")}`);
  process.exit(1);
}
// cdktf, constructs and the @cdktf/provider-* modules end in an inline source map (a base64 data URL,
// often larger than the code: 0.78 MB of 1.09 MB for one azurerm resource). V8 keeps every loaded
// script's source and a copy of that URL for the life of the process: about 30 MB of synth's ~65 MB
// of live heap, and V8 lets the heap grow to a multiple of what is live before a full collection, so
// peak memory paid for it several times over. They are loaded without the map, unless source maps
// are on (NODE_OPTIONS=--enable-source-maps), which would map through it.
const sourceMapsOn = NODE_OPTIONS.includes("--enable-source-maps");
// Where each such file's map starts is recorded with the resolved requests below (by file: its size
// and the map's offset), so the next run reads the code alone, not the ~24 MB of the files it loads
// (7 MB of code): a file whose size or bytes at that offset differ is read whole again.
const mapOffsets = {};
if (!sourceMapsOn) {
  const Module = require("node:module");
  const { closeSync, fstatSync, openSync, readFileSync, readSync } = require("node:fs");
  const loadJs = Module._extensions[".js"];
  const JSII_PACKAGE = /[\\/]node_modules[\\/](cdktf|constructs|@cdktf[\\/]provider-[a-z]+)[\\/]/;
  const INLINE_MAP = Buffer.from("\n//# sourceMappingURL=data:");
  /** The code of `filename` up to the map recorded for it, or undefined when the record does not fit the file. */
  const codeAtRecordedOffset = (filename) => {
    const known = mapOffsets[filename];
    if (!Array.isArray(known)) return undefined;
    const [size, map] = known;
    const fd = openSync(filename, "r");
    try {
      if (fstatSync(fd).size !== size) return undefined;
      const bytes = Buffer.allocUnsafe(map + INLINE_MAP.length);
      if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) return undefined;
      if (!bytes.subarray(map).equals(INLINE_MAP)) return undefined;
      return bytes.toString("utf8", 0, map + 1);
    } finally {
      closeSync(fd);
    }
  };
  Module._extensions[".js"] = function loadWithoutInlineMap(module, filename) {
    if (!JSII_PACKAGE.test(filename)) return loadJs.call(this, module, filename);
    let code = codeAtRecordedOffset(filename);
    if (code === undefined) {
      const bytes = readFileSync(filename);
      const map = bytes.lastIndexOf(INLINE_MAP);
      // A fresh string of the code alone (a slice of the whole text would keep the whole text alive).
      code = bytes.toString("utf8", 0, map < 0 ? bytes.length : map + 1);
      if (map >= 0) mapOffsets[filename] = [bytes.length, map];
    }
    module._compile(code, filename);
  };
}
// cdktf captures a complete stack trace for every token it creates, only to print where a token
// came from when it fails to resolve; that was ~15% of synth (0.35 s). Skip it unless DEBUG is set.
// A private cdktf module (pinned version; the tests patch it the same way): if it moves, synth is
// merely slower.
if (process.env.DEBUG === undefined) {
  try {
    require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = () => [];
  } catch {}
}
/** Puts `exports` in the module cache as the module at `path`, unless that module is loaded already. */
function standIn(path, exports) {
  if (require.cache[path] !== undefined) return;
  const Module = require("node:module");
  const stand = new Module(path);
  stand.filename = path;
  stand.loaded = true;
  stand.exports = exports;
  require.cache[path] = stand;
}
/** The real module at `path`, loaded on first use in place of its stand-in. */
function loadReal(path) {
  delete require.cache[path];
  return require(path);
}
/** A proxy of the module at `path` (an object of exports) that loads it on first use. */
function lazyModule(path) {
  let real;
  const load = () => {
    real ??= loadReal(path);
    return real;
  };
  return new Proxy(
    {},
    {
      // An ES module's namespace (zod's __importStar) is kept as it is, without listing it.
      get: (_, key) => (key === "__esModule" ? true : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
    },
  );
}
// cdktf loads `archiver` (about a hundred modules, ~0.1 s) at start-up, yet zips directory assets
// in a child process (`node cdktf/lib/private/fs.js`) that loads it itself: the copy in this
// process is never called. A stand-in takes its place and loads it should it ever be.
try {
  const archiverPath = require.resolve("archiver", { paths: [dirname(require.resolve("cdktf/lib/private/fs"))] });
  standIn(archiverPath, (...archiverArgs) => loadReal(archiverPath)(...archiverArgs));
} catch {}
// cdktf writes every cdk.tf.json with json-stable-stringify, whose ~25 polyfill modules cost ~20 ms to
// load and slow the writing itself: a writer of the same bytes for cdktf's call takes its place
// (bin/stable-stringify.cjs), and the real package loads only for other options.
try {
  const stringifyPath = require.resolve("json-stable-stringify", { paths: [dirname(require.resolve("cdktf"))] });
  const { stableStringify } = require("./stable-stringify.cjs");
  let real;
  standIn(stringifyPath, (value, options) => stableStringify(value, options, () => (real ??= loadReal(stringifyPath))));
} catch {}
// cdktf loads semver (~45 modules, ~20 ms) only to check the terraform binary's version in a
// validation that runs when a stack moves or imports resources. A proxy loads it on first use.
try {
  const semverPath = require.resolve("semver", { paths: [dirname(require.resolve("cdktf"))] });
  standIn(semverPath, lazyModule(semverPath));
} catch {}
// zod's API module loads the message tables of all its 64 locales (zod/v4/locales/index.cjs, ~35 ms
// of CPU) to offer `z.locales`, which this repository never reads (English, the default, is loaded
// on its own). A proxy takes the index's place and loads it on first use.
try {
  const localesPath = join(dirname(require.resolve("zod/package.json")), "v4", "locales", "index.cjs");
  if (existsSync(localesPath)) standIn(localesPath, lazyModule(localesPath));
} catch {}
// Node resolves every require anew in every process: for the ~250 modules of cdktf, zod and the
// provider packages, the lookups (stat calls along node_modules paths, package.json exports,
// realpath) cost about 0.1 s of CPU per synth. The files they resolved to are recorded beside the
// bundle and reused while the installed packages are the same: the record's inputs are npm's
// lockfiles (node_modules/.package-lock.json is rewritten by every install), its key Node's version
// and what else steers resolution. Only files under node_modules are recorded, never this
// repository's own.
const resolvedFile = `${outfile}.resolved.json`;
const RESOLVE_INPUTS = ["package-lock.json", "node_modules/.package-lock.json"];
const resolveKey = buildKey(
  {},
  {
    resolved: 1,
    node: process.version,
    // --preserve-symlinks, --conditions and NODE_PATH change what a request resolves to.
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS ?? "",
    nodePath: process.env.NODE_PATH ?? "",
  },
);
{
  const Module = require("node:module");
  const record = readRecord(ROOT, resolvedFile, resolveKey);
  const cached = record?.resolved;
  const resolved = cached !== null && typeof cached === "object" ? { ...cached } : {};
  const offsets = record?.mapOffsets !== null && typeof record?.mapOffsets === "object" ? record.mapOffsets : {};
  for (const [file, known] of Object.entries(offsets)) mapOffsets[file] ??= known;
  const resolveFilename = Module._resolveFilename;
  const INSTALLED = `${sep}node_modules${sep}`;
  let added = 0;
  Module._resolveFilename = function resolveRecorded(request, parent, isMain, options) {
    const from = parent?.filename;
    if (isMain || options !== undefined || typeof from !== "string" || Module.isBuiltin(request)) {
      return resolveFilename.call(this, request, parent, isMain, options);
    }
    const key = `${dirname(from)}\0${request}`;
    const known = resolved[key];
    if (known !== undefined) return known;
    const file = resolveFilename.call(this, request, parent, isMain, options);
    if (file.includes(INSTALLED)) {
      resolved[key] = file;
      added++;
    }
    return file;
  };
  process.on("exit", () => {
    const newOffsets = Object.keys(mapOffsets).some((file) => String(offsets[file]) !== String(mapOffsets[file]));
    if (added === 0 && !newOffsets) return;
    try {
      // No lockfile (another package manager): nothing to tell a stale record by, so none is kept.
      const inputs = recordInputs(ROOT, RESOLVE_INPUTS);
      if (inputs !== undefined) writeRecord(ROOT, resolvedFile, resolveKey, inputs, { resolved, mapOffsets });
    } catch {} // a read-only tree: resolve anew next time
  });
}
process.argv = [process.argv[0], outfile, ...args];
// Loaded as the main module, as `node <bundle>` would: an entry's `require.main === module` holds.
require("node:module")._load(outfile, null, true);
