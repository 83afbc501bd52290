/**
 * The canary verdict verify:<env> reaches from the edge's signal for the new
 * release: failure rate and p99 per origin against the objectives, a minimum
 * sample size, and the wait for samples up to a deadline.
 */
import { analyzeCanary, formatCanaryTable, judgeCanary } from "../../ci/release/canary";
import type { OriginSignal } from "../../lib/edge/signal";

const criteria = { maxFailureRate: 0.0144, maxP99Ms: 500, minSamples: 100 };

function signal(origin: string, samples: number, failures: number, p99Ms = 120, share = 1): OriginSignal {
  const attempts = samples / share;
  return { origin, attempts, failures, failureRate: failures / attempts, p99Ms, releaseAttempts: samples };
}

describe("judgeCanary", () => {
  it("passes when every routed origin has its samples within the objectives", () => {
    const verdict = judgeCanary(
      [signal("aws.function", 400, 2), signal("gcp.container", 150, 0, 480)],
      ["aws.function", "gcp.container"],
      criteria,
      false,
    );
    expect(verdict.decision).toBe("pass");
    expect(verdict.origins.map((o) => o.result)).toEqual(["ok", "ok"]);
  });

  it("fails an origin above the failure rate, naming what was seen", () => {
    const verdict = judgeCanary(
      [signal("aws.function", 400, 2), signal("azure.container", 200, 20)],
      ["aws.function", "azure.container"],
      criteria,
      false,
    );
    expect(verdict.decision).toBe("fail");
    expect(verdict.summary).toContain("azure.container (failure rate 10.00% > 1.44%)");
    expect(verdict.origins.find((o) => o.origin === "aws.function")?.result).toBe("ok");
  });

  it("fails an origin above the latency objective", () => {
    const verdict = judgeCanary([signal("gcp.function", 300, 0, 900)], ["gcp.function"], criteria, false);
    expect(verdict.decision).toBe("fail");
    expect(verdict.origins[0].detail).toBe("p99 900 ms > 500 ms");
  });

  it("judges the new release's answers on a split origin: failures over its samples, not over every attempt", () => {
    // A 5% canary: 2000 attempts, 100 from the new release, 20 failures. Diluted, that is 1%: under the limit.
    const split = signal("aws.container", 100, 20, 120, 0.05);
    expect(split.failureRate).toBeLessThan(criteria.maxFailureRate);
    const verdict = judgeCanary([split], ["aws.container"], criteria, false);
    expect(verdict.decision).toBe("fail");
    expect(verdict.origins[0].failureRate).toBeCloseTo(0.2);
  });

  it("waits while a routed origin has too few samples, and fails on them at the deadline", () => {
    const signals = [signal("aws.function", 400, 0), signal("gcp.function", 30, 0)];
    const expected = ["aws.function", "gcp.function", "azure.function"];
    expect(judgeCanary(signals, expected, criteria, false).decision).toBe("wait");
    const final = judgeCanary(signals, expected, criteria, true);
    expect(final.decision).toBe("fail");
    expect(final.summary).toBe(
      "not enough traffic to judge gcp.function (30 of 100 samples), azure.function (0 of 100 samples)",
    );
  });

  it("does not wait for an origin only failover reached, but judges its failures", () => {
    const passing = judgeCanary(
      [signal("aws.function", 400, 0), signal("gcp.function", 3, 0)],
      ["aws.function"],
      criteria,
      false,
    );
    expect(passing.decision).toBe("pass");
    const failing = judgeCanary(
      [signal("aws.function", 400, 0), signal("gcp.function", 10, 10)],
      ["aws.function"],
      criteria,
      false,
    );
    expect(failing.decision).toBe("fail");
  });

  it("fails early when failures alone already exceed what the minimum sample could excuse", () => {
    const verdict = judgeCanary([signal("aws.function", 40, 20)], ["aws.function"], criteria, false);
    expect(verdict.decision).toBe("fail");
    // One failure in ten answers might still be noise: wait.
    expect(judgeCanary([signal("aws.function", 10, 1)], ["aws.function"], criteria, false).decision).toBe("wait");
  });

  it("never passes on no evidence", () => {
    expect(judgeCanary([], [], criteria, true).decision).toBe("fail");
    expect(judgeCanary([], ["aws.function"], criteria, true).summary).toContain("aws.function (0 of 100 samples)");
  });
});

describe("formatCanaryTable", () => {
  it("prints one row per origin and the limits", () => {
    const verdict = judgeCanary(
      [signal("aws.function", 400, 0, 95), signal("gcp.container", 200, 40, 130)],
      ["aws.function", "gcp.container"],
      criteria,
      true,
    );
    expect(formatCanaryTable(verdict, criteria).split("\n")).toEqual([
      "origin         samples  attempts  failures  failure rate  p99 ms  result",
      "aws.function       400       400         0         0.00%      95  ok",
      "gcp.container      200       200        40        20.00%     130  FAIL: failure rate 20.00% > 1.44%",
      "limits: failure rate 1.44%, p99 500 ms, at least 100 samples per origin",
    ]);
  });
});

describe("analyzeCanary", () => {
  /** A clock that only moves when the analysis sleeps. */
  function clock() {
    let now = 0;
    const slept: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
      slept,
    };
  }

  it("bakes first, then reads until the samples are there", async () => {
    const time = clock();
    const readings = [
      [signal("aws.function", 20, 0)],
      [signal("aws.function", 60, 0)],
      [signal("aws.function", 150, 0)],
    ];
    const readAt: number[] = [];
    const verdict = await analyzeCanary({
      criteria,
      expected: ["aws.function"],
      read: async () => {
        readAt.push(time.now());
        return readings.shift() ?? [];
      },
      bakeMs: 300_000,
      waitMs: 600_000,
      intervalMs: 30_000,
      log: () => {},
      ...time,
    });
    expect(verdict.decision).toBe("pass");
    expect(verdict.readings).toBe(3);
    expect(readAt).toEqual([300_000, 330_000, 360_000]);
  });

  it("stops at the deadline with too few samples", async () => {
    const time = clock();
    const verdict = await analyzeCanary({
      criteria,
      expected: ["aws.function"],
      read: async () => [signal("aws.function", 5, 0)],
      bakeMs: 10,
      waitMs: 100,
      intervalMs: 30,
      log: () => {},
      ...time,
    });
    expect(verdict.decision).toBe("fail");
    expect(verdict.readings).toBe(4);
    expect(time.now()).toBeLessThanOrEqual(10 + 100);
  });
});
