/**
 * Journey: plan notes of plans far past GitLab's 1,000,000-character note
 * limit. The fast tier runs the same checks on a plan a few times a small
 * budget (ci/render.test.ts); these run them at GitLab's own limit, where
 * quadratic work would show (each takes seconds; under a minute on a loaded
 * machine).
 */
import { expectDetailsDroppedToFit, expectListSplit } from "../ci/helpers/large-plans";

describe("plan notes of huge plans", () => {
  it("keeps a 12,000-change plan under the limit by dropping details, never a change, and counts what it dropped", () => {
    expectDetailsDroppedToFit(12_000);
  }, 180_000);

  it("splits a 50,000-change plan over numbered notes that together list every change", () => {
    expectListSplit(50_000);
  }, 180_000);
});
