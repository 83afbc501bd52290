/**
 * `npm test` packs the folders of __tests__/ into a few jest files
 * (jest.fast.config.js, __tests__/suites/): every fast-tier test file must be
 * run by it exactly once, a file that mocks modules must run in a registry of
 * its own, every folder must belong to one suite, and each suite file must run
 * its own suite.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const TESTS = join(ROOT, "__tests__");
const { SUITES, fastFolders, fastSuites, runsAlone } = require("../suites/grouping") as {
  SUITES: Record<string, string[]>;
  runsAlone: (file: string) => boolean;
  fastFolders: () => { name: string; grouped: string[]; alone: string[] }[];
  fastSuites: () => { name: string; file: string; grouped: string[] }[];
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
  const suite = fastSuites().find((s) => s.file === entry);
  return suite === undefined ? [] : suite.grouped;
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
        ["policy", ["synth-gate.test.ts"], []],
      ]);
    } finally {
      if (previous === undefined) delete process.env.FAST_TESTS;
      else process.env.FAST_TESTS = previous;
    }
  });

  it("puts every folder with grouped files in exactly one suite", () => {
    const listed = Object.values(SUITES).flat();
    expect(new Set(listed).size).toBe(listed.length);
    const grouped = new Set(
      fastTestFiles()
        .filter((file) => !runsAlone(file))
        .map((file) => basename(dirname(file))),
    );
    expect(listed.sort()).toEqual([...grouped].sort());
  });

  it("has a suite file for each suite and no other, running that suite", () => {
    const files = readdirSync(join(TESTS, "suites")).filter((name) => name.endsWith(".suite.ts"));
    expect(files.sort()).toEqual(
      Object.keys(SUITES)
        .map((name) => `${name}.suite.ts`)
        .sort(),
    );
    for (const file of files) {
      const text = readFileSync(join(TESTS, "suites", file), "utf8");
      expect([file, text.includes(`runSuite("${file.replace(".suite.ts", "")}")`)]).toEqual([file, true]);
    }
  });
});
