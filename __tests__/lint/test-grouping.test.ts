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

describe("the fast tier's order (suites/sequencer.js)", () => {
  const Sequencer = require("../suites/sequencer") as {
    new (options: {
      globalConfig: { maxWorkers: number };
    }): {
      time: (test: { path: string }) => number | undefined;
      sort: <T extends { path: string }>(tests: T[]) => T[];
    };
    bestOrder: (durations: number[], workers: number) => number[];
    makespan: (durations: number[], workers: number) => number;
  };
  const { ESTIMATED_SECONDS } = require("../suites/grouping") as { ESTIMATED_SECONDS: Record<string, number> };
  const { bestOrder, makespan } = Sequencer;
  const longestFirst = (durations: number[]) => [...durations].sort((a, b) => b - a);
  /** The least possible end on two workers, whatever the order: the best split of the files in two. */
  const bestSplit = (durations: number[]) => {
    let best = Number.POSITIVE_INFINITY;
    const total = durations.reduce((sum, d) => sum + d, 0);
    for (let mask = 0; mask < 1 << durations.length; mask++) {
      const one = durations.reduce((sum, d, i) => (mask & (1 << i) ? sum + d : sum), 0);
      best = Math.min(best, Math.max(one, total - one));
    }
    return best;
  };
  // A pseudo-random series (a linear congruential generator), the same on every run.
  const series = (seed: number, count: number) =>
    Array.from({ length: count }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % 300) / 10;
    });

  it("deals the five suites so both workers end when the best split of them would, where longest first ends later", () => {
    const durations = [24, 20.5, 19.4, 12.9, 8.4];
    const order = bestOrder(durations, 2).map((index) => durations[index]);
    expect(makespan(order, 2)).toBeCloseTo(bestSplit(durations), 9);
    expect(makespan(longestFirst(durations), 2)).toBeGreaterThan(makespan(order, 2) + 1);
  });

  it("never ends later than longest first, on two or three workers, and keeps every file once", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const durations = series(seed, 2 + (seed % 6));
      for (const workers of [2, 3]) {
        const order = bestOrder(durations, workers);
        expect([...order].sort((a, b) => a - b)).toEqual(durations.map((_, index) => index));
        const end = makespan(
          order.map((index) => durations[index]),
          workers,
        );
        expect(end).toBeLessThanOrEqual(makespan(longestFirst(durations), workers) + 1e-9);
        if (workers === 2) expect(end).toBeGreaterThanOrEqual(bestSplit(durations) - 1e-9);
      }
    }
  });

  it("orders longest first above eight files or on one worker", () => {
    const many = series(7, 9);
    expect(bestOrder(many, 2).map((index) => many[index])).toEqual(longestFirst(many));
    expect(bestOrder([1, 3, 2], 1)).toEqual([1, 2, 0]);
  });

  it("uses jest's record of a file's last run, else the suite's estimate, and has an estimate for every suite", () => {
    expect(Object.keys(ESTIMATED_SECONDS).sort()).toEqual(Object.keys(SUITES).sort());
    const suites = fastSuites();
    const sequencer = new Sequencer({ globalConfig: { maxWorkers: 2 } });
    const recorded = new Map<string, number>();
    sequencer.time = (test) => recorded.get(test.path);
    const tests = suites.map((suite) => ({ path: suite.file }));
    const estimated = sequencer.sort(tests).map((test) => test.path);
    const byEstimate = bestOrder(
      suites.map((suite) => ESTIMATED_SECONDS[suite.name]),
      2,
    ).map((index) => suites[index].file);
    expect(estimated).toEqual(byEstimate);
    // Recorded times that reverse the estimates reverse the order of the longest.
    const reversed = [...suites].sort((a, b) => ESTIMATED_SECONDS[a.name] - ESTIMATED_SECONDS[b.name]);
    for (const [rank, suite] of reversed.entries()) recorded.set(suite.file, 1000 * (10 + 10 * rank));
    expect(sequencer.sort(tests)[0].path).toBe(reversed[reversed.length - 1].file);
  });
});
