/** The burn tiers derived from an objective: burn rate = budget spent x window / long window. */
import { BURN_TIERS, burnAlerts, MAX_ERROR_RATIO } from "../../lib/monitoring/burn-rate";

const tiers = (errorBudget: number, windowDays: number) =>
  burnAlerts({ errorBudget, windowDays }).map((b) => [b.name, b.burnRate, b.longWindowSeconds, b.shortWindowSeconds]);

it("gives the workbook's 14.4 / 6 / 1 for a 30-day window, and 6 over 45 minutes for the medium page", () => {
  expect(tiers(0.001, 30)).toEqual([
    ["fast", 14.4, 3600, 300],
    ["medium", 6, 2700, 240],
    ["slow", 6, 21600, 1800],
    ["ticket", 1, 259200, 21600],
  ]);
});

it("scales with windowDays and never goes below 1", () => {
  expect(tiers(0.001, 7).map((t) => t[1])).toEqual([3.36, 1.4, 1.4, 1]);
  // A 1-day objective: the 3-day window shrinks to the objective's day, its short window to 2 h.
  expect(tiers(0.001, 1)[3]).toEqual(["ticket", 1, 86400, 7200]);
});

it("sets the 5xx share and a request floor under which one error cannot reach it", () => {
  for (const burn of burnAlerts({ errorBudget: 0.001, windowDays: 30 })) {
    expect(burn.errorRatio).toBeCloseTo(burn.burnRate * 0.001, 12);
    expect(1 / burn.minRequests).toBeLessThan(burn.errorRatio);
    expect(1 / (burn.minRequests - 1)).toBeGreaterThanOrEqual(burn.errorRatio);
  }
});

it("caps the share so a loose objective still pages on an outage", () => {
  const [fast] = burnAlerts({ errorBudget: 0.1, windowDays: 30 });
  expect(fast.errorRatio).toBe(MAX_ERROR_RATIO);
  // Short windows are a twelfth of the long one, in whole minutes (45 min / 12 = 3.75 -> 4 min).
  expect(BURN_TIERS.every((t) => t.shortWindowSeconds === Math.round(t.longWindowSeconds / 720) * 60)).toBe(true);
});
