/**
 * `npm test` runs each folder of __tests__/ as one jest file
 * (jest.fast.config.js, __tests__/suites/): every fast-tier test file must be
 * run by it exactly once, a file that mocks modules must run in a registry of
 * its own, and each suite file must name its own folder.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TESTS = join(ROOT, "__tests__");
const { fastFolders } = require("../suites/grouping") as {
  fastFolders: () => { name: string; grouped: string[]; alone: string[] }[];
};
const { testMatch } = require("../../jest.fast.config") as { testMatch: string[] };

/** Every `*.test.ts` of the fast tier: all of __tests__/ but journeys/. */
function fastTestFiles(): string[] {
  return readdirSync(TESTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "journeys")
    .flatMap((entry) =>
      readdirSync(join(TESTS, entry.name))
        .filter((name) => name.endsWith(".test.ts"))
        .map((name) => join(TESTS, entry.name, name)),
    )
    .sort();
}

/** What one entry of the fast config's testMatch runs: a suite's grouped files, or the file itself. */
function filesRunBy(entry: string): string[] {
  if (!entry.endsWith(".suite.ts")) return [entry];
  const folder = fastFolders().find((f) => `${f.name}.suite.ts` === basename(entry));
  return folder === undefined ? [] : folder.grouped;
}

describe("the fast tier's grouping", () => {
  it("runs every fast-tier test file exactly once", () => {
    const run = testMatch.flatMap(filesRunBy).sort();
    expect(run).toEqual(fastTestFiles());
  });

  it("runs a file that mocks modules in a registry of its own", () => {
    for (const file of fastTestFiles().filter((f) => /^\s*jest\.mock\(/m.test(readFileSync(f, "utf8")))) {
      expect([file, testMatch.includes(file)]).toEqual([file, true]);
    }
  });

  it("runs only the files FAST_TESTS names, grouped the same way (fork:check's shaped forks)", () => {
    const previous = process.env.FAST_TESTS;
    process.env.FAST_TESTS = "__tests__/config/state.test.ts, __tests__/policy/synth-gate.test.ts";
    try {
      const chosen = fastFolders().map((f) => [
        f.name,
        f.grouped.map((g) => basename(g)),
        f.alone.map((a) => basename(a)),
      ]);
      expect(chosen).toEqual([
        ["config", ["state.test.ts"], []],
        ["policy", [], ["synth-gate.test.ts"]],
      ]);
    } finally {
      if (previous === undefined) delete process.env.FAST_TESTS;
      else process.env.FAST_TESTS = previous;
    }
  });

  it("has a suite file only for a folder it groups, naming that folder", () => {
    const suites = readdirSync(join(TESTS, "suites")).filter((name) => name.endsWith(".suite.ts"));
    const grouped = fastFolders()
      .filter((f) => f.grouped.length > 0)
      .map((f) => `${f.name}.suite.ts`);
    expect(suites.sort()).toEqual(grouped.sort());
    for (const suite of suites) {
      const text = readFileSync(join(TESTS, "suites", suite), "utf8");
      expect([suite, text.includes(`runFolder("${suite.replace(".suite.ts", "")}")`)]).toEqual([suite, true]);
    }
  });
});
