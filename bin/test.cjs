#!/usr/bin/env node
/**
 * `npm test` (`node bin/test.cjs`, the fast tier) and `npm run test:journeys`
 * (`node bin/test.cjs journeys`): each tier's package.json scripts at once
 * rather than one after another, since neither its jest run nor the scripts
 * beside it keep both cores busy all the time (jest's workers start up, wait
 * on child processes and timers; one long file ends a run on one core).
 * - fast: `typecheck` and `lint` (~6 s on little more than one core) beside
 *   `test:unit`, filling jest's start-up and waits instead of adding to them.
 * - journeys: `fork:check` (the fork matrix, its own pool of forks) beside
 *   `test:journeys:jest` (two rehearsals side by side for most of it), then
 *   `bench:workload` alone, as it times the Lambda's cold import.
 * jest's output streams as it comes; the scripts beside it print theirs,
 * under their name, once jest is done, so nothing interleaves. Every script
 * runs to its end (every failure shows), and the exit code is 1 when any
 * failed. Each script runs as npm would run it (its package.json text,
 * node_modules/.bin on PATH), without an npm process each.
 */
"use strict";
const { spawn } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { delimiter, join } = require("node:path");
const { npmScriptLine } = require("../tools/npm-script.cjs");

const ROOT = join(__dirname, "..");
const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const env = { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}` };

/** Per tier: scripts run beside jest (with their arguments), the jest script, scripts run alone after both. */
const TIERS = {
  fast: {
    // Single-threaded: tsc's parallel checkers each redo the types they share (~2 CPU-s more, docs/forking.md),
    // and beside jest there is no idle core for them anyway.
    beside: [["typecheck", "--singleThreaded"], ["lint"]],
    jest: "test:unit",
    after: [],
  },
  journeys: {
    beside: [["fork:check"]],
    jest: "test:journeys:jest",
    after: [["bench:workload"]],
  },
};

/** Runs one package.json script with `args`; `live`: its output goes straight to ours, else it is kept for later. */
function run(name, live, args = []) {
  const started = Date.now();
  // As npm passes `npm test -- <args>` on: quoted for the shell.
  const command = npmScriptLine(scripts, [name, ...args]);
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

const USAGE = `usage: npm test [-- <jest options>]            (node bin/test.cjs [<jest options>])
       npm run test:journeys [-- <jest options>]  (node bin/test.cjs journeys [<jest options>])

Runs a test tier's package.json scripts at once, jest's output live and the
others' when it ends; then the tier's scripts that run alone. Exit 1 if any failed.
  fast (npm test):    ${TIERS.fast.beside.map(([name]) => name).join(", ")} beside ${TIERS.fast.jest}
  journeys:           ${TIERS.journeys.beside.map(([name]) => name).join(", ")} beside ${TIERS.journeys.jest}, then ${TIERS.journeys.after.map(([name]) => name).join(", ")}
<jest options> go to the tier's jest (e.g. a test path, --ci, -t <name>); jest's own: npx jest --help.`;

async function main() {
  const [first, ...rest] = process.argv.slice(2);
  const named = first !== undefined && Object.hasOwn(TIERS, first);
  const tier = TIERS[named ? first : "fast"];
  // `npm test -- <jest options>` reaches jest, as it did when the scripts ran one after another.
  const jestArgs = named ? rest : process.argv.slice(2);
  if (jestArgs.length === 1 && (jestArgs[0] === "--help" || jestArgs[0] === "-h")) {
    console.log(USAGE);
    return;
  }
  const beside = tier.beside.map(([name, ...args]) => run(name, false, args));
  const jest = await run(tier.jest, true, jestArgs);
  const results = [...(await Promise.all(beside)), jest];
  for (const { name, code, output, seconds } of results.slice(0, -1)) {
    const text = Buffer.concat(output).toString("utf8");
    if (code !== 0 || text.trim() !== "") process.stderr.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
    process.stderr.write(`${name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds} s\n`);
  }
  for (const [name, ...args] of tier.after) results.push(await run(name, true, args));
  const failed = results.filter((result) => result.code !== 0).map((result) => result.name);
  if (failed.length > 0) process.stderr.write(`${tier.jest}: ${failed.join(", ")} failed\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main();
