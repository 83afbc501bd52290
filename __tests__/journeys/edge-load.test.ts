/**
 * Journey: the router Worker in workerd under 2,000-request loads. The fast
 * tier runs the same checks on a few hundred requests (edge/worker.test.ts,
 * edge/hostile.test.ts); these give the statistics their full precision and
 * keep a failing origin under sustained concurrency.
 */
import { closedAfterEach } from "../edge/helpers";
import { expectBoundedLoad, expectWeightSplit } from "../edge/load";

const rig = closedAfterEach();

describe("router Worker under load", () => {
  it("splits 2,000 new clients by weight 10/30/60 within 4.5 standard deviations", async () => {
    await expectWeightSplit(rig, 2000);
    // Measured 14 s with both cores shared with other jobs (load average 7): the timeout leaves room for worse.
  }, 120_000);

  it("2,000 requests at concurrency 50, one origin failing: no non-idempotent retry, no 5xx from a healthy origin", async () => {
    await expectBoundedLoad(rig, 2000, 50);
  }, 180_000);
});
