/**
 * The router Worker's load properties, run once, with 2,000 requests, in the
 * journeys (journeys/edge-load.test.ts). The fast tier proves what each
 * request must do one request at a time (edge/worker.test.ts: routing by the
 * weighted ranking; edge/hostile.test.ts: no retry of a POST, bodies, cookies).
 */
import { SERVED_BY_HEADER } from "../../lib/edge/worker/contract";
import { ORIGIN_SECRET } from "../../lib/service";
import { type closedAfterEach, pool, TEST_SECRET, TEST_STICKY_KEY, TEST_STICKY_KEY_PREVIOUS } from "./helpers";

type Rig = ReturnType<typeof closedAfterEach>;

/**
 * `requests` new clients (no cookie) split over three origins weighted 10/30/60: each share within
 * 4.5 standard deviations of its weight (binomial), so a correct Worker fails about once in 50,000 runs
 * and a Worker that ignores the weights (a third each) fails from a few hundred requests on.
 */
export async function expectWeightSplit({ origin, edge }: Rig, requests: number, concurrency = 8): Promise<void> {
  const servers = await Promise.all([origin("aws.function"), origin("gcp.function"), origin("azure.container")]);
  const weights = [10, 30, 60];
  const worker = await edge(servers.map((s, i) => ({ id: s.id, url: s.url, weight: weights[i] })));
  const served = await pool(requests, concurrency, async () => {
    const response = await worker.fetch("/", { method: "HEAD" });
    expect(response.status).toBe(200);
    return response.headers.get(SERVED_BY_HEADER);
  });
  servers.forEach((server, i) => {
    const p = weights[i] / 100;
    const share = (100 * served.filter((id) => id === server.id).length) / served.length;
    expect(Math.abs(share - weights[i])).toBeLessThanOrEqual(100 * 4.5 * Math.sqrt((p * (1 - p)) / requests));
  });
}

/**
 * `requests` requests of every method at `concurrency`, new clients, one of three origins answering 503:
 * idempotent ones fail over (all 200), no 5xx from a healthy origin, every POST and PATCH reaches exactly
 * one origin once, and no secret in any answer or log.
 */
export async function expectBoundedLoad({ origin, edge }: Rig, requests: number, concurrency: number): Promise<void> {
  const healthy = await Promise.all(["aws.function", "gcp.container"].map((id) => origin(id)));
  const failing = await origin("azure.function", "fail");
  // Generous per-origin and overall limits: the machine is shared, and only the failing origin may fail here.
  const worker = await edge([...healthy, failing], { timeoutMs: 15_000, deadlineMs: 60_000 });
  const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
  const results = await pool(requests, concurrency, async (i) => {
    const method = methods[i % methods.length];
    const body = method === "GET" || method === "DELETE" ? undefined : `{"n":${i}}`;
    const response = await worker.fetch(`/load/${i}`, { method, body, headers: { [ORIGIN_SECRET.header]: "spoof" } });
    const text = await response.text();
    expect(text).not.toContain(TEST_SECRET);
    return { method, status: response.status, servedBy: response.headers.get(SERVED_BY_HEADER) };
  });
  const idempotent = (m: string) => m === "GET" || m === "PUT" || m === "DELETE";
  // Idempotent requests fail over from the failing origin: all 200.
  expect(results.filter((r) => idempotent(r.method) && r.status !== 200)).toEqual([]);
  // A 5xx only ever comes from the failing origin.
  expect(results.filter((r) => r.status >= 500 && r.servedBy !== failing.id)).toEqual([]);
  // Every POST and PATCH reached exactly one origin once: no retries.
  const sent = results.filter((r) => !idempotent(r.method)).length;
  const received = [...healthy, failing].flatMap((s) => s.requests).filter((r) => !idempotent(r.method)).length;
  expect(received).toBe(sent);
  expect(failing.requests.length).toBeGreaterThan(0);
  for (const secret of [TEST_SECRET, TEST_STICKY_KEY, TEST_STICKY_KEY_PREVIOUS]) {
    expect(worker.logs()).not.toContain(secret);
  }
}
