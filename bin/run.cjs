#!/usr/bin/env node
/**
 * `node bin/run.cjs <entry.ts> [args...]`: runs a TypeScript entry point of
 * this repository as one esbuild bundle of the repository's own code
 * (node_modules stay external), without type-checking (`npm run typecheck`
 * does that). Synth uses it instead of tsx: under tsx, synth spent about 2 s
 * more CPU per run (a loader thread round trip for every module, and every
 * cdktf token's stack trace mapped through source maps); see BENCHMARKS.md.
 * The bundle is reused while none of its input files changed (size and
 * mtime, as make does), which saves esbuild's ~0.3 s on a repeated synth.
 * Set NODE_OPTIONS=--enable-source-maps to see TypeScript positions in traces.
 */
"use strict";
const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { join, relative, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined || !entry.endsWith(".ts")) {
  console.error("usage: node bin/run.cjs <entry.ts> [args...]");
  process.exit(1);
}

const outdir = join(ROOT, ".gen", "run");
const outfile = join(outdir, `${relative(ROOT, resolve(entry)).replace(/[\\/]/g, "__").replace(/\.ts$/, "")}.cjs`);
const stampFile = `${outfile}.inputs.json`;

/** size:mtime of each input, or undefined when one is gone. */
function stamp(inputs) {
  const stamps = {};
  for (const input of inputs) {
    const path = join(ROOT, input);
    if (!existsSync(path)) return undefined;
    const stat = statSync(path);
    stamps[input] = `${stat.size}:${stat.mtimeMs}`;
  }
  return stamps;
}

function isFresh() {
  if (!existsSync(outfile) || !existsSync(stampFile)) return false;
  try {
    const recorded = JSON.parse(readFileSync(stampFile, "utf8"));
    const now = stamp(Object.keys(recorded.inputs));
    return (
      recorded.esbuild === require("esbuild/package.json").version &&
      now !== undefined &&
      JSON.stringify(now) === JSON.stringify(recorded.inputs)
    );
  } catch {
    return false;
  }
}

function build() {
  const { buildSync } = require("esbuild");
  const partial = `${outfile}.${process.pid}`;
  mkdirSync(outdir, { recursive: true });
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [resolve(entry)],
    outfile: partial,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "linked",
    metafile: true,
    logLevel: "silent",
  });
  const inputs = stamp(Object.keys(result.metafile.inputs));
  // Parallel runs (jest workers) never see a half-written bundle.
  renameSync(`${partial}.map`, `${outfile}.map`);
  renameSync(partial, outfile);
  writeFileSync(
    `${stampFile}.${process.pid}`,
    JSON.stringify({ esbuild: require("esbuild/package.json").version, inputs }),
  );
  renameSync(`${stampFile}.${process.pid}`, stampFile);
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
// cdktf captures a complete stack trace for every token it creates, only to print where a token
// came from when it fails to resolve; that was ~15% of synth (0.35 s). Skip it unless DEBUG is set.
// A private cdktf module (pinned version; the tests patch it the same way): if it moves, synth is
// merely slower.
if (process.env.DEBUG === undefined) {
  try {
    require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = () => [];
  } catch {}
}
process.argv = [process.argv[0], outfile, ...args];
require(outfile);
