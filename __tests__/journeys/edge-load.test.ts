/**
 * Journey: the router Worker in workerd under 2,000-request loads, the only
 * load runs (one per property): the weight split over new clients, and a
 * failing origin under sustained concurrency. The fast tier checks the
 * ranking on 2 x 10,000 keys in Node (edge/choose.test.ts) and, one request
 * at a time in workerd, that the Worker routes by it (edge/worker.test.ts) and
 * never retries a POST (edge/hostile.test.ts, edge/worker.test.ts).
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
