#!/usr/bin/env node
/**
 * `npm test`: the fast tier's three scripts (package.json: typecheck, lint,
 * test:unit) at once rather than one after another. The type-check and lint
 * take ~6 s of wall time on little more than one core; run beside jest they
 * fill the time its workers spend starting up and waiting on child processes
 * and timers, instead of adding to it. jest's output streams as it comes; the
 * other two print theirs, under their name, once jest is done, so nothing
 * interleaves. Every script runs to its end (every failure shows), and the
 * exit code is 1 when any failed. The type-check runs single-threaded (below).
 * Each script runs as npm would run it (its package.json text,
 * node_modules/.bin on PATH), without an npm process each.
 */
"use strict";
const { spawn } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { delimiter, join } = require("node:path");

const ROOT = join(__dirname, "..");
const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const env = { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` };

/** Runs one package.json script with `args`; `live`: its output goes straight to ours, else it is kept for later. */
function run(name, live, args = []) {
  const started = Date.now();
  // As npm passes `npm test -- <args>` on: quoted for the shell.
  const command = [scripts[name], ...args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)].join(" ");
  const child = spawn(command, { cwd: ROOT, env, shell: true, stdio: live ? "inherit" : "pipe" });
  const output = [];
  if (!live) {
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
  }
  return new Promise((resolve) => {
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    child.on("error", (error) =>
      resolve({ name, code: 1, output: [Buffer.from(`${error.message}\n`)], seconds: seconds() }),
    );
    child.on("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output, seconds: seconds() }));
  });
}

async function main() {
  // Single-threaded: tsc's parallel checkers each redo the types they share (~2 CPU-s more, docs/forking.md),
  // and beside jest there is no idle core for them anyway.
  const quiet = [run("typecheck", false, ["--singleThreaded"]), run("lint", false)];
  // `npm test -- <jest options>` reaches jest, as it did when the scripts ran one after another.
  const jest = await run("test:unit", true, process.argv.slice(2));
  const results = [...(await Promise.all(quiet)), jest];
  for (const { name, code, output, seconds } of results.slice(0, -1)) {
    const text = Buffer.concat(output).toString("utf8");
    if (code !== 0 || text.trim() !== "") process.stderr.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
    process.stderr.write(`${name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds} s\n`);
  }
  const failed = results.filter((result) => result.code !== 0).map((result) => result.name);
  if (failed.length > 0) process.stderr.write(`npm test: ${failed.join(", ")} failed\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main();
