/**
 * How `npm test` groups the fast tier (jest.fast.config.js): jest gives every
 * test FILE a fresh module registry, and loading the stacks' import graph
 * (cdktf, constructs, ~900 modules of provider classes) costs about 1 s of CPU
 * per registry, and each registry constructs its stacks anew.
 * So the folders of __tests__/ are packed into a few suites (SUITES), each one
 * jest test file, `__tests__/suites/<suite>.suite.ts`, which requires its
 * folders' `*.test.ts` files each inside its own `describe` (their hooks stay
 * theirs) and loads the graph once. A file that replaces modules (`jest.mock`)
 * would replace them for the whole suite, so it runs on its own. `npx jest
 * <file>` (jest.config.js) still runs any one file in its own registry.
 */
const { readdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const TESTS = __dirname.replace(/[\\/]suites$/, "");
/** Folders of __tests__/ that are not the fast tier's. */
const NOT_FAST = new Set(["journeys", "suites"]);
/**
 * The suites and the folders each groups, every folder of the fast tier in
 * exactly one (__tests__/lint/test-grouping.test.ts checks): "synth"
 * synthesizes environment stacks, "edge" runs the Worker in workerd, "app"
 * every workload runtime from its shipped artifact, "commands" the CLIs, the
 * pipeline and lint, "targets" the clouds' targets and the constructs around
 * them. Five, so that each of the two workers (jest.config.js) loads the graph
 * two or three times and sequencer.js can deal them out so both finish
 * together. One registry for app/'s or edge/'s files, rather than one each,
 * took about a fifth less CPU (measured on 2 cores, loaded).
 */
const SUITES = {
  synth: ["stacks", "policy", "permissions", "config", "contract", "identity", "helpers"],
  edge: ["edge"],
  app: ["app"],
  commands: ["ci", "lint", "release", "tools", "bench"],
  targets: ["aws", "azure", "gcp", "bootstrap", "parity", "monitoring", "relay"],
};

/**
 * Seconds each suite takes one worker in `npm test` (jest's --json, 2 cores, 2026-12-07): sequencer.js
 * orders a run by these when jest has no times of its own (a clean clone's first run); after that it
 * uses jest's record of the last run. Only the order depends on them, never what runs.
 */
const ESTIMATED_SECONDS = { synth: 21, edge: 8, app: 16, commands: 10, targets: 10 };

/** A test file that runs as its own jest file: it replaces modules (`jest.mock`), which would replace them for its whole suite. */
function runsAlone(file) {
  return /^\s*jest\.mock\(/m.test(readFileSync(file, "utf8"));
}

/**
 * `FAST_TESTS`: a comma-separated list of test files (relative to the repository root) to
 * run instead of all, grouped the same way (fork:check's shaped forks run only the tests
 * that read environments/).
 */
function selectedFiles() {
  const list = process.env.FAST_TESTS;
  if (list === undefined || list === "") return undefined;
  return new Set(list.split(",").map((path) => join(TESTS, "..", path.trim())));
}

/** The fast tier's folders, each with its test files split into grouped and alone (absolute paths). */
function fastFolders() {
  const selected = selectedFiles();
  return readdirSync(TESTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_FAST.has(entry.name))
    .map((entry) => {
      const dir = join(TESTS, entry.name);
      const files = readdirSync(dir)
        .filter((name) => name.endsWith(".test.ts"))
        .sort()
        .map((name) => join(dir, name))
        .filter((file) => selected === undefined || selected.has(file));
      return { name: entry.name, dir, grouped: files.filter((f) => !runsAlone(f)), alone: files.filter(runsAlone) };
    })
    .filter((folder) => folder.grouped.length + folder.alone.length > 0);
}

/** The suites that have files to run, each with its grouped test files in SUITES' folder order (absolute paths). */
function fastSuites() {
  const folders = fastFolders();
  return Object.entries(SUITES)
    .map(([name, names]) => ({
      name,
      file: join(TESTS, "suites", `${name}.suite.ts`),
      grouped: names.flatMap((folder) => folders.find((f) => f.name === folder)?.grouped ?? []),
    }))
    .filter((suite) => suite.grouped.length > 0);
}

/** What jest.fast.config.js runs: the suite files, then every file that runs alone or whose folder no suite lists. */
function fastTestMatch() {
  const listed = new Set(Object.values(SUITES).flat());
  const rest = fastFolders().flatMap((folder) =>
    listed.has(folder.name) ? folder.alone : [...folder.grouped, ...folder.alone],
  );
  return [...fastSuites().map((suite) => suite.file), ...rest];
}

module.exports = { TESTS, SUITES, ESTIMATED_SECONDS, fastFolders, fastSuites, fastTestMatch, runsAlone };
