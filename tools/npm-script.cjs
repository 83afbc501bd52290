/**
 * The command line `npm run <script> -- <args>` runs, without npm: the
 * package.json script's text, then the arguments quoted as npm quotes them.
 * Shared by bin/test.cjs (npm test's tiers) and tools/fork-check.ts (a fork's
 * steps), which run scripts in a shell with node_modules/.bin on PATH and spare
 * npm's own start-up (~0.35 CPU s a call). Plain CommonJS: bin/test.cjs runs
 * before any TypeScript can load.
 */
"use strict";

/** An argument as a POSIX shell reads it back (npm quotes what follows `--` the same way). */
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * The command line `npm run <argv>` runs: the script named by argv[0], then the arguments after `--`
 * (or all of them, when the caller already took npm's `--` away), quoted; undefined when there is no such script.
 */
function npmScriptLine(scripts, argv) {
  const [name, ...rest] = argv;
  const script = Object.hasOwn(scripts, name) ? scripts[name] : undefined;
  if (script === undefined) return undefined;
  const args = rest[0] === "--" ? rest.slice(1) : rest;
  return [script, ...args.map(shellQuote)].join(" ");
}

module.exports = { shellQuote, npmScriptLine };
