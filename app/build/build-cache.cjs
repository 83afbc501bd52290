/**
 * The repository's one esbuild cache policy: bin/run.cjs (command bundles),
 * lib/edge/bundle.ts (the Worker and the alert relay) and app/build/bundles.ts
 * (the workload's function zips) keep one JSON record per build under
 * `.gen/<area>/`, and reuse the build while
 * - its `key` is unchanged: the SHA-256 of esbuild's version, the build options
 *   and whatever else the caller says decides the bytes (`buildKey`), and
 * - every file esbuild read (its metafile's inputs, relative to the repository
 *   root) still has the recorded SHA-256; size and mtime only spare re-hashing
 *   files nobody touched since the last check.
 * Content, not time, decides: a fresh clone or a CI job that restores `.gen/`
 * from its cache reuses every build.
 *
 * Plain CommonJS with no dependency beyond Node and esbuild's package.json:
 * bin/run.cjs needs it before any TypeScript can load, and app/ imports nothing
 * from lib/, so this is the one place both sides reach (types: build-cache.d.cts).
 */
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

/** Where every cached build of the repository lives (gitignored; CI caches it). */
const CACHE_ROOT = ".gen";

/** `<root>/.gen/<area>`. */
const cacheDir = (root, area) => join(root, CACHE_ROOT, area);

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** The key of a build: esbuild's version, its options and `extra` (the entry, a recipe...), hashed. */
const buildKey = (options, extra = {}) =>
  sha256(JSON.stringify({ esbuild: require("esbuild/package.json").version, options, extra }));

const statOf = (path) => {
  const stat = statSync(path);
  return `${stat.size}:${stat.mtimeMs}`;
};

/**
 * `{ hash, stat }` of each input (paths relative to `root`, sorted), reusing `previous` hashes
 * whose stat is unchanged; undefined when an input is gone.
 */
function recordInputs(root, inputs, previous = {}) {
  const recorded = {};
  for (const input of [...inputs].sort()) {
    const path = join(root, input);
    if (!existsSync(path)) return undefined;
    const stat = statOf(path);
    const known = previous[input];
    recorded[input] = {
      hash: known !== undefined && known.stat === stat ? known.hash : sha256(readFileSync(path)),
      stat,
    };
  }
  return recorded;
}

/** Writes whole, then renames: parallel runs (jest workers) never read half a record. */
function writeAtomically(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, path);
}

/** Records a build: its key, its inputs (recorded now) and the caller's own fields. */
function writeRecord(root, file, key, inputs, fields = {}) {
  const record = { key, inputs: Array.isArray(inputs) ? recordInputs(root, inputs) : inputs, ...fields };
  writeAtomically(file, JSON.stringify(record));
  return record;
}

/**
 * The record in `file` when its key is `key` and every input's content is unchanged, else
 * undefined. Inputs with the same content and new mtimes (a fresh checkout) are written back,
 * so the next check need not hash them again.
 */
function readRecord(root, file, key) {
  try {
    const record = JSON.parse(readFileSync(file, "utf8"));
    if (record.key !== key || record.inputs === null || typeof record.inputs !== "object") return undefined;
    const now = recordInputs(root, Object.keys(record.inputs), record.inputs);
    if (now === undefined) return undefined;
    const names = Object.keys(now);
    if (names.some((name) => now[name].hash !== record.inputs[name]?.hash)) return undefined;
    if (names.some((name) => now[name].stat !== record.inputs[name].stat)) {
      const refreshed = { ...record, inputs: now };
      writeAtomically(file, JSON.stringify(refreshed));
      return refreshed;
    }
    return record;
  } catch {
    return undefined; // missing, unreadable or another format: build afresh
  }
}

module.exports = { CACHE_ROOT, buildKey, cacheDir, readRecord, recordInputs, sha256, writeAtomically, writeRecord };
