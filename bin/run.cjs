#!/usr/bin/env node
/**
 * `node bin/run.cjs <entry.ts> [args...]`: runs a TypeScript entry point of
 * this repository as one esbuild bundle of the repository's own code
 * (node_modules stay external), without type-checking (`npm run typecheck`
 * does that). Synth uses it instead of tsx: under tsx, synth spent about 2 s
 * more CPU per run (a loader thread round trip for every module, and every
 * cdktf token's stack trace mapped through source maps); see BENCHMARKS.md.
 * Set NODE_OPTIONS=--enable-source-maps to see TypeScript positions in traces.
 */
"use strict";
const { renameSync, mkdirSync } = require("node:fs");
const { join, relative, resolve } = require("node:path");
const { buildSync } = require("esbuild");

const ROOT = resolve(__dirname, "..");
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith(".ts")) {
  console.error("usage: node bin/run.cjs <entry.ts> [args...]");
  process.exit(1);
}

const outfile = join(
  ROOT,
  ".gen",
  "run",
  `${relative(ROOT, resolve(entry)).replace(/[\\/]/g, "__").replace(/\.ts$/, "")}.cjs`,
);
const partial = `${outfile}.${process.pid}`;
try {
  mkdirSync(join(ROOT, ".gen", "run"), { recursive: true });
  buildSync({
    absWorkingDir: ROOT,
    entryPoints: [resolve(entry)],
    outfile: partial,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    logLevel: "silent",
  });
  // Parallel runs (jest workers) never see a half-written bundle.
  renameSync(partial, outfile);
  renameSync(`${partial}.map`, `${outfile}.map`);
} catch (error) {
  const messages = error.errors
    ? error.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`)
    : [error.message];
  console.error(`Cannot build ${entry}:\n  ${messages.join("\n  ")}`);
  process.exit(1);
}
process.argv = [process.argv[0], outfile, ...args];
require(outfile);
