import { isRevisionSuffix, trafficPlan } from "../../lib/azure/traffic";

describe("Azure traffic plan", () => {
  it("sends everything to the latest revision in Single mode unless a split is possible", () => {
    const single = { revisionMode: "Single", weights: [{ latestRevision: true, percentage: 100 }], canaryPercent: 0 };
    expect(trafficPlan(0)).toEqual(single);
    expect(trafficPlan(0, "stable1")).toEqual(single);
    expect(trafficPlan(10)).toEqual(single);
  });

  it("splits canary% to the latest revision and the rest to the stable one, always summing to 100", () => {
    for (let canary = 1; canary <= 100; canary++) {
      const plan = trafficPlan(canary, "abc1234");
      expect(plan.revisionMode).toBe("Multiple");
      expect(plan.canaryPercent).toBe(canary);
      expect(plan.weights.reduce((sum, w) => sum + w.percentage, 0)).toBe(100);
      expect(plan.weights.filter((w) => w.latestRevision)).toEqual([
        { latestRevision: true, percentage: canary, label: "canary" },
      ]);
    }
  });

  it("accepts Azure-generated and hand-written revision suffixes only", () => {
    expect(["0a1b2c3", "stable", "v2-1", "a"].every(isRevisionSuffix)).toBe(true);
    expect(["", "-a", "a-", "a--b", "UPPER", "a_b", "x".repeat(31)].some(isRevisionSuffix)).toBe(false);
    expect(() => trafficPlan(10, "a--b")).toThrow(/is not a revision suffix/);
    expect(() => trafficPlan(101, "a")).toThrow(/canaryPercent must be a whole number from 0 to 100/);
  });
});
