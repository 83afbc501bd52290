/**
 * How `npm test` groups the fast tier (jest.fast.config.js): jest gives every
 * test FILE a fresh module registry, and loading the stacks' import graph
 * (cdktf, constructs, ~900 modules of provider classes) costs about 1 s of CPU
 * per file, half of the tier's CPU. So each folder of __tests__/ runs as one
 * jest test file, `__tests__/suites/<folder>.suite.ts`, which requires the folder's `*.test.ts`
 * files each inside its own `describe` (their hooks stay theirs) and loads the
 * graph once. A file that replaces modules (`jest.mock`) would replace them
 * for the whole folder, so it runs on its own. `npx jest <file>` (jest.config.js)
 * still runs any one file in its own registry.
 */
const { readdirSync, readFileSync } = require("node:fs");
const { basename, dirname, join } = require("node:path");

const TESTS = __dirname.replace(/[\\/]suites$/, "");
/** Folders of __tests__/ that are not the fast tier's. */
const NOT_FAST = new Set(["journeys", "suites"]);
/**
 * Folders whose files run one by one all the same: each starts its own Workers
 * in workerd (Miniflare) or its own workload runtimes and loads little of the
 * stacks' graph, so grouping saves little and one long jest file would keep
 * the other worker idle at the end.
 */
const PER_FILE = new Set(["app", "edge"]);

/** A test file that runs as its own jest file: it replaces modules, or its folder runs per file. */
function runsAlone(file) {
  return PER_FILE.has(basename(dirname(file))) || /^\s*jest\.mock\(/m.test(readFileSync(file, "utf8"));
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

module.exports = { TESTS, fastFolders, runsAlone };
