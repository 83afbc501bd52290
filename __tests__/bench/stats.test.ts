/** The summaries `npm run bench` writes into BENCHMARKS.md (no timing here: the bench measures, tests do not). */
import { formatSummary, pairedDifferences, summarize } from "../../bench/stats";

describe("bench statistics", () => {
  it("summarizes min, median and max whatever the order, the median of an even count halfway", () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(summarize([7])).toEqual({ min: 7, median: 7, max: 7 });
    expect(() => summarize([])).toThrow("no samples");
  });

  it("formats median first, then the range", () => {
    expect(formatSummary({ min: 1.234, median: 1.5, max: 2 }, 2)).toBe("1.50 (1.23-2.00)");
    expect(formatSummary({ min: 160.4, median: 161.6, max: 170 }, 0)).toBe("162 (160-170)");
  });

  it("pairs runs taken in turn, so a load that slows both sides of a pair cancels out", () => {
    // Runs 2 and 3 were on a loaded machine: both sides slowed by the same amount.
    const project = [1.6, 3.1, 2.6, 1.7];
    const floor = [0.4, 1.9, 1.4, 0.5];
    expect(pairedDifferences(project, floor).map((d) => Number(d.toFixed(2)))).toEqual([1.2, 1.2, 1.2, 1.2]);
    expect(() => pairedDifferences([1, 2], [1])).toThrow("as many runs");
  });
});
