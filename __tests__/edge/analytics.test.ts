/**
 * The router's Analytics Engine writes, in real workerd (Miniflare): one data
 * point per origin attempt with the documented fields, nothing secret or
 * identifying, failures always written and successes sampled. The dataset
 * binding is a recorder standing in for Cloudflare's (Miniflare's own
 * simulator drops the points), so every write reaches the test.
 */
import { edgeDatasetName, failingOrigins, failureRateSql, parseSignal } from "../../lib/edge/signal";
import { DATA_POINT } from "../../lib/edge/worker/analytics";
import { BINDINGS, type EdgeConfig } from "../../lib/edge/worker/contract";
import { ORIGIN_SECRET } from "../../lib/service";
import {
  cookieRanking,
  type OriginServer,
  PUBLIC_HOST,
  refusedUrl,
  sharedHarness,
  signedCookieHeader,
  startOrigin,
  TEST_SECRET,
  TEST_STICKY_KEY,
} from "./helpers";

jest.setTimeout(30_000);

interface DataPoint {
  blobs: string[];
  doubles: number[];
  indexes: string[];
}

/** What each test varies; the rest of the routing table is fixed here. */
type Routing = Pick<EdgeConfig, "origins" | "timeoutMs" | "maxAttempts" | "analyticsSampleRate" | "release">;

const harness = sharedHarness();

/** The Worker with `config`, the origin secret and a recording Analytics Engine binding. */
async function startRecordedEdge(routing: Routing, analytics = true) {
  const config: EdgeConfig = { ...routing, maxBodyBytes: 1024 * 1024, deadlineMs: 10_000, publicHost: PUBLIC_HOST };
  const worker = (await harness()).withBindings(
    {
      [BINDINGS.config.name]: config,
      [BINDINGS.originSecret.name]: TEST_SECRET,
      [BINDINGS.stickyKey.name]: TEST_STICKY_KEY,
    },
    analytics,
  );
  return { fetch: worker.fetch, points: () => worker.points() as DataPoint[] };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});
async function origin(id: string, behaviour: Parameters<typeof startOrigin>[1]): Promise<OriginServer> {
  const server = await startOrigin(id, behaviour);
  cleanups.push(server.close);
  return server;
}
const edge = startRecordedEdge;
/** Routing origins for `servers`, in that order, each with weight 1. */
const equallyWeighted = (...servers: readonly { id: string; url: string }[]) =>
  servers.map(({ id, url }) => ({ id, url, weight: 1 }));
/** The signed routing cookie of a client whose ranking starts with `ids`. */
const cookieFor = (origins: readonly { id: string; url: string; weight: number }[], ...ids: string[]) =>
  signedCookieHeader(cookieRanking(origins, ...ids));
const field = (point: DataPoint, kind: "blobs" | "doubles", name: string) =>
  point[kind][(DATA_POINT[kind] as readonly string[]).indexOf(name)];

describe("Analytics Engine writes in workerd", () => {
  it("writes one point per attempt: origin, outcome, method, status, latency, attempt, weight, failed", async () => {
    const failing = await origin("aws.function", "fail");
    const healthy = await origin("gcp.container", "ok");
    const origins = equallyWeighted(failing, healthy);
    const worker = await edge({ origins, timeoutMs: 2000, maxAttempts: 2 });
    const response = await worker.fetch("/orders/42?token=abc", {
      headers: { ...(await cookieFor(origins, failing.id, healthy.id)), authorization: "Bearer client-credential" },
    });
    expect(response.status).toBe(200);
    await response.text();

    const points = worker.points();
    expect(points).toHaveLength(2);
    const [first, second] = points;
    // No release in the routing table (a fresh clone): tagged `local`, share 1.
    expect(first.blobs).toEqual([failing.id, "5xx", "GET", "local", "canary"]);
    expect(first.indexes).toEqual([failing.id]);
    expect([field(first, "doubles", "status"), field(first, "doubles", "attempt")]).toEqual([503, 1]);
    expect([field(first, "doubles", "weight"), field(first, "doubles", "failed")]).toEqual([1, 1]);
    expect(second.blobs).toEqual([healthy.id, "ok", "GET", "local", "canary"]);
    expect(field(second, "doubles", "releaseShare")).toBe(1);
    expect([field(second, "doubles", "status"), field(second, "doubles", "attempt")]).toEqual([200, 2]);
    expect(field(second, "doubles", "failed")).toBe(0);
    for (const point of points) {
      expect(point.doubles).toHaveLength(DATA_POINT.doubles.length);
      expect(field(point, "doubles", "latencyMs")).toBeGreaterThanOrEqual(0);
      // Nothing that identifies a client or opens a door: no secret, URL, path, query or header value.
      const text = JSON.stringify(point);
      for (const secretish of [
        TEST_SECRET,
        "127.0.0.1",
        "/orders",
        "token=abc",
        "client-credential",
        ORIGIN_SECRET.header,
      ]) {
        expect(text).not.toContain(secretish);
      }
    }
  });

  it("tags every point with the release rolled out, its step and the release's share of each origin", async () => {
    const split = await origin("aws.function", "fail");
    const whole = await origin("gcp.function", "ok");
    const origins = [
      { id: split.id, url: split.url, weight: 1, releaseShare: 0.05 },
      { id: whole.id, url: whole.url, weight: 1 },
    ];
    const release = { id: "3f2c1a9b", step: "canary" };
    const worker = await edge({ origins, timeoutMs: 2000, maxAttempts: 2, release });
    const response = await worker.fetch("/", { headers: await cookieFor(origins, split.id, whole.id) });
    expect(response.status).toBe(200);
    await response.text();
    expect(
      worker
        .points()
        .map((p) => [
          field(p, "blobs", "origin"),
          field(p, "blobs", "release"),
          field(p, "blobs", "step"),
          field(p, "doubles", "releaseShare"),
        ]),
    ).toEqual([
      [split.id, "3f2c1a9b", "canary", 0.05],
      [whole.id, "3f2c1a9b", "canary", 1],
    ]);
  });

  it("refuses a routing table whose release tag is not a release id (503, nothing forwarded)", async () => {
    const healthy = await origin("gcp.container", "ok");
    const worker = await edge({
      origins: equallyWeighted(healthy),
      timeoutMs: 2000,
      maxAttempts: 1,
      release: { id: "x' OR '1", step: "canary" },
    });
    const response = await worker.fetch("/");
    expect(response.status).toBe(503);
    await response.text();
    expect(worker.points()).toEqual([]);
  });

  it("records timeouts and refused connections as failures without a status", async () => {
    const hanging = await origin("azure.container", "hang");
    const refused = await refusedUrl();
    const origins = equallyWeighted(hanging, { id: "aws.container", url: refused });
    const worker = await edge({ origins, timeoutMs: 300, maxAttempts: 2 });
    const response = await worker.fetch("/", { headers: await cookieFor(origins, hanging.id, "aws.container") });
    expect(response.status).toBe(502);
    await response.text();
    expect(worker.points().map((p) => [p.blobs[0], p.blobs[1], field(p, "doubles", "status")])).toEqual([
      [hanging.id, "timeout", 0],
      ["aws.container", "network", 0],
    ]);
  });

  it("counts an origin's 403 (it refused the edge's secret) as a failure and tries the next origin", async () => {
    const refusing = await origin("azure.function", (_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end('{"error":"forbidden"}');
    });
    const healthy = await origin("gcp.container", "ok");
    const origins = equallyWeighted(refusing, healthy);
    const worker = await edge({ origins, timeoutMs: 2000, maxAttempts: 2 });
    const response = await worker.fetch("/", { headers: await cookieFor(origins, refusing.id, healthy.id) });
    expect(response.status).toBe(200);
    await response.text();
    expect(worker.points().map((p) => [p.blobs[0], p.blobs[1], field(p, "doubles", "failed")])).toEqual([
      [refusing.id, "forbidden", 1],
      [healthy.id, "ok", 0],
    ]);
  });

  it("samples successes at analyticsSampleRate but always writes failures", async () => {
    const healthy = await origin("gcp.function", "ok");
    const failing = await origin("azure.function", "fail");
    const origins = equallyWeighted(healthy, failing);
    const worker = await edge({ origins, timeoutMs: 2000, maxAttempts: 1, analyticsSampleRate: 0 });
    for (let i = 0; i < 5; i++) {
      await (await worker.fetch("/", { headers: await cookieFor(origins, healthy.id) })).text();
    }
    await (await worker.fetch("/", { headers: await cookieFor(origins, failing.id) })).text();
    expect(worker.points().map((p) => p.blobs[1])).toEqual(["5xx"]);

    const everything = await edge({ origins, timeoutMs: 2000, maxAttempts: 1, analyticsSampleRate: 1 });
    await (await everything.fetch("/", { headers: await cookieFor(origins, healthy.id) })).text();
    expect(everything.points().map((p) => [p.blobs[1], field(p, "doubles", "weight")])).toEqual([["ok", 1]]);
  });

  it("serves normally without the binding (local runs, tests)", async () => {
    const healthy = await origin("gcp.function", "ok");
    const worker = await edge({ origins: equallyWeighted(healthy), timeoutMs: 2000, maxAttempts: 1 }, false);
    const response = await worker.fetch("/");
    expect(response.status).toBe(200);
    await response.text();
    expect(worker.points()).toEqual([]);
  });
});

describe("canary signal query", () => {
  it("reads the failure rate per origin from the dataset, weighted by both samplings", () => {
    const sql = failureRateSql({ dataset: edgeDatasetName("svc", "qa-1"), minutes: 10, origin: "aws.function" });
    expect(sql).toContain("FROM svc_qa_1_edge");
    expect(sql).toContain(
      "SUM(_sample_interval * double4 * double5) / SUM(_sample_interval * double4) AS failure_rate",
    );
    expect(sql).toContain("WHERE timestamp > NOW() - INTERVAL '10' MINUTE AND blob1 = 'aws.function'");
    expect(sql).toContain("GROUP BY origin");
    expect(() => failureRateSql({ dataset: "x; DROP", minutes: 5 })).toThrow(/not a dataset name/);
    expect(() => failureRateSql({ dataset: "x", origin: "a' OR '1" })).toThrow(/not an origin id/);
  });

  it("reads one release's step only, with the answers that release gave", () => {
    const sql = failureRateSql({ dataset: "svc_qa_edge", minutes: 30, release: "3f2c1a9b", step: "canary" });
    expect(sql).toContain("AND blob4 = '3f2c1a9b' AND blob5 = 'canary'");
    expect(sql).toContain("SUM(_sample_interval * double4 * double6) AS release_attempts");
    expect(() => failureRateSql({ dataset: "x", release: "a' OR '1" })).toThrow(/not a release id/);
    expect(() => failureRateSql({ dataset: "x", step: "canary'--" })).toThrow(/not a rollout step/);
    const [row] = parseSignal({
      data: [
        { origin: "aws.function", attempts: 400, failures: 2, failure_rate: 0.005, p99_ms: 90, release_attempts: 20 },
      ],
    });
    expect(row.releaseAttempts).toBe(20);
    expect(() => parseSignal({ data: [{ origin: "aws.function", attempts: "many" }] })).toThrow(
      /no number for attempts/,
    );
  });

  it("judges origins by failure rate once they have enough attempts", () => {
    const signals = parseSignal({
      data: [
        { origin: "aws.function", attempts: 200, failures: 10, failure_rate: 0.05, p99_ms: 120 },
        { origin: "gcp.container", attempts: 5, failures: 5, failure_rate: 1, p99_ms: 80 },
        { origin: "azure.function", attempts: 300, failures: 0, failure_rate: 0, p99_ms: 90 },
      ],
    });
    expect(failingOrigins(signals, 0.01).map((s) => s.origin)).toEqual(["aws.function"]);
    expect(() => parseSignal({ errors: ["denied"] })).toThrow(/no data array/);
  });
});
