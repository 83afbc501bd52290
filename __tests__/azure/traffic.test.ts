import { isRevisionSuffix, trafficPlan } from "../../lib/azure/traffic";

describe("Azure traffic plan", () => {
  it("sends everything to the latest revision in Single mode without a stable revision (first deploy)", () => {
    const single = { revisionMode: "Single", weights: [{ latestRevision: true, percentage: 100 }], canaryPercent: 0 };
    expect(trafficPlan({ newPercent: 100 })).toEqual(single);
    expect(trafficPlan({ newPercent: 10 })).toEqual(single);
  });

  it("splits the new release's percent to the latest revision and the rest to the stable one, summing to 100", () => {
    for (let percent = 0; percent <= 100; percent++) {
      const plan = trafficPlan({ newPercent: percent, stable: "abc1234" });
      expect(plan.revisionMode).toBe("Multiple");
      expect(plan.canaryPercent).toBe(percent === 100 ? 0 : percent);
      expect(plan.weights.reduce((sum, w) => sum + w.percentage, 0)).toBe(100);
      expect(plan.weights.filter((w) => w.latestRevision)).toEqual([
        { latestRevision: true, percentage: percent, label: "canary" },
      ]);
    }
  });

  it("accepts Azure-generated and hand-written revision suffixes only", () => {
    expect(["0a1b2c3", "stable", "v2-1", "a"].every(isRevisionSuffix)).toBe(true);
    expect(["", "-a", "a-", "a--b", "UPPER", "a_b", "x".repeat(31)].some(isRevisionSuffix)).toBe(false);
    expect(() => trafficPlan({ newPercent: 10, stable: "a--b" })).toThrow(/is not a revision suffix/);
    expect(() => trafficPlan({ newPercent: 101, stable: "a" })).toThrow(/must be a whole number from 0 to 100/);
  });
});
