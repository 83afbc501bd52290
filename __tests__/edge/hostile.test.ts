/**
 * The router Worker in real workerd (Miniflare) under hostile traffic:
 * oversize and slow bodies, forged routing cookies, spoofed client identity,
 * probing of its health check. The load run (2,000 requests at concurrency
 * 50, one origin failing) is a journey: journeys/edge-load.test.ts. Origins
 * are node:http servers on 127.0.0.1.
 */
import { rankOrigins } from "../../lib/edge/worker/choose";
import { ATTEMPTS_HEADER, HEALTH_PATH, SERVED_BY_HEADER, STICKY_COOKIE } from "../../lib/edge/worker/contract";
import { cookieKey, signCookie } from "../../lib/edge/worker/sticky";
import {
  type Behaviour,
  cookieRanking,
  type EdgeUnderTest,
  PUBLIC_HOST,
  sharedPerFile,
  signedCookieHeader,
  TEST_SECRET,
  TEST_STICKY_KEY,
  TEST_STICKY_KEY_PREVIOUS,
} from "./helpers";

jest.setTimeout(60_000);

const { origin, edge } = sharedPerFile();

/** Nothing secret in what the client got or in what the Worker logged. */
function expectNoSecrets(worker: EdgeUnderTest, ...texts: string[]): void {
  for (const secret of [TEST_SECRET, TEST_STICKY_KEY, TEST_STICKY_KEY_PREVIOUS]) {
    for (const text of [...texts, worker.logs()]) expect(text).not.toContain(secret);
  }
}

const LIMIT = 64 * 1024;
/**
 * Most tests route to these three origins with these options (the file's tests share one workerd, see
 * sharedPerFile); a test picks which origin comes first with a routing cookie.
 */
const SHARED = { maxBodyBytes: LIMIT, stickyKeys: [TEST_STICKY_KEY, TEST_STICKY_KEY_PREVIOUS] };
const threeOrigins = (...behaviours: Behaviour[]) =>
  Promise.all(["aws.function", "azure.function", "gcp.container"].map((id, i) => origin(id, behaviours[i] ?? "ok")));
const idOf = (setCookie: string | null) =>
  new RegExp(`^${STICKY_COOKIE}=([0-9a-f-]{36})\\.[A-Za-z0-9_-]{43};`).exec(setCookie ?? "")?.[1];

describe("request bodies", () => {
  it("refuses a declared 60 MB POST with 413 without reading it or calling an origin", async () => {
    const servers = await threeOrigins();
    const worker = await edge(servers, SHARED);
    const started = Date.now();
    const response = await worker.stream("/upload", {
      method: "POST",
      headers: { "content-length": String(60 * 1024 * 1024) },
      chunks: 60,
      chunkBytes: 1024 * 1024,
      // Paced: workerd answers on the headers and closes with the rest unread; a client
      // busy writing at full speed can meet that reset before it reads the 413.
      delayMs: 100,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual(expect.objectContaining({ error: "payload_too_large" }));
    expect(servers.flatMap((s) => s.requests)).toEqual([]);
    // Answered on the headers, not after 60 MB went through workerd.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each(["PUT", "POST"])(
    "refuses a chunked %s that grows past the limit, bounded while it streams",
    async (method) => {
      const servers = await threeOrigins();
      const worker = await edge(servers, SHARED);
      const response = await worker.stream("/upload", { method, chunks: 40, chunkBytes: 16 * 1024 });
      expect(response.status).toBe(413);
      const seen = servers.flatMap((s) => s.requests);
      // A PUT is buffered (it may be retried) and refused before any origin; a POST streams to one origin and is cut.
      expect(seen.length).toBeLessThanOrEqual(method === "PUT" ? 0 : 1);
      for (const { body } of seen) expect(body.length).toBeLessThanOrEqual(LIMIT);
    },
  );

  it("accepts a body of exactly the limit, buffered for a retry when the method is idempotent", async () => {
    const servers = await threeOrigins("fail");
    const [bad, good] = servers;
    const worker = await edge(servers, SHARED);
    const body = "y".repeat(LIMIT);
    const response = await worker.fetch("/doc", {
      method: "PUT",
      body,
      headers: await signedCookieHeader(cookieRanking(servers, bad.id, good.id)),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get(ATTEMPTS_HEADER)).toBe("2");
    expect(good.requests[0].body).toBe(body);
  });

  it("streams a non-idempotent body to one origin, never retried, even when that origin fails", async () => {
    const servers = await threeOrigins("fail");
    const [bad, good] = servers;
    const worker = await edge(servers, SHARED);
    const response = await worker.stream("/orders", {
      method: "POST",
      headers: await signedCookieHeader(cookieRanking(servers, bad.id, good.id)),
      chunks: 3,
      chunkBytes: 1024,
    });
    expect(response.status).toBe(503);
    expect(bad.requests.map((r) => r.body.length)).toEqual([3 * 1024]);
    expect(good.requests).toEqual([]);
  });

  it("ends a slow body at the request deadline with 504, before any origin for an idempotent method", async () => {
    const a = await origin("aws.function");
    // A body that takes 2 s to arrive, a deadline of 300 ms: the answer comes well before the body's end.
    const worker = await edge([a], { deadlineMs: 300, timeoutMs: 200 });
    const started = Date.now();
    const put = await worker.stream("/slow", { method: "PUT", chunks: 20, chunkBytes: 10, delayMs: 100 });
    expect(put.status).toBe(504);
    expect(JSON.parse(put.body)).toEqual(expect.objectContaining({ error: "deadline_exceeded" }));
    expect(Date.now() - started).toBeLessThan(1_800);
    expect(a.requests).toEqual([]);
    const post = await worker.stream("/slow", { method: "POST", chunks: 20, chunkBytes: 10, delayMs: 100 });
    expect(post.status).toBe(504);
    expectNoSecrets(worker, put.body, post.body);
  });
});

describe("sticky cookie", () => {
  it("ignores unsigned ids: a client cannot pick its origin by writing one", async () => {
    const servers = await threeOrigins();
    const worker = await edge(servers, SHARED);
    const target = servers[2].id;
    // Twenty unsigned ids that would all rank the target first, were they trusted.
    const ids: string[] = [];
    for (let i = 0; ids.length < 20; i++) {
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
      if (
        rankOrigins(
          servers.map((s) => ({ ...s, weight: 1 })),
          cookieKey(id),
        )[0].id === target
      )
        ids.push(id);
    }
    const served: string[] = [];
    for (const id of ids) {
      const response = await worker.fetch("/", { headers: { cookie: `${STICKY_COOKIE}=${id}` } });
      const fresh = idOf(response.headers.get("set-cookie"));
      expect(fresh).toBeDefined();
      expect(fresh).not.toBe(id);
      served.push(response.headers.get(SERVED_BY_HEADER) as string);
    }
    expect(new Set(served).size).toBeGreaterThan(1);
  });

  it("ignores a tampered cookie (another id under a valid signature) and one signed with an unknown key", async () => {
    const servers = await threeOrigins();
    const worker = await edge(servers, SHARED);
    const wanted = cookieRanking(servers, servers[0].id);
    const valid = await signCookie("11111111-2222-4333-8444-555555555555", TEST_STICKY_KEY);
    const tampered = `${wanted}${valid.slice(wanted.length)}`;
    const foreign = await signCookie(wanted, "a-key-the-edge-never-had-0123456789abcdef");
    for (const value of [tampered, foreign, `${wanted}.`, `${wanted}.${"A".repeat(43)}`]) {
      const response = await worker.fetch("/", { headers: { cookie: `${STICKY_COOKIE}=${value}` } });
      expect(idOf(response.headers.get("set-cookie"))).not.toBe(wanted);
    }
    expectNoSecrets(worker);
  });

  it("honours its own cookie, and one signed by the previous key, re-signing that one", async () => {
    const servers = await threeOrigins();
    const worker = await edge(servers, SHARED);
    for (const target of servers) {
      const id = cookieRanking(servers, target.id);
      const current = await worker.fetch("/", { headers: await signedCookieHeader(id) });
      expect(current.headers.get(SERVED_BY_HEADER)).toBe(target.id);
      expect(current.headers.has("set-cookie")).toBe(false);
      const old = await worker.fetch("/", { headers: await signedCookieHeader(id, TEST_STICKY_KEY_PREVIOUS) });
      expect(old.headers.get(SERVED_BY_HEADER)).toBe(target.id);
      expect(old.headers.get("set-cookie")).toContain(`${STICKY_COOKIE}=${await signCookie(id, TEST_STICKY_KEY)};`);
    }
  });

  it("never honours a valid cookie for an origin whose weight is now 0", async () => {
    const servers = await threeOrigins();
    const [drained, ...rest] = servers;
    const id = cookieRanking(servers, drained.id);
    const worker = await edge([{ ...drained, weight: 0 }, ...rest]);
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () => worker.fetch("/", { headers: await signedCookieHeader(id) })),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get(SERVED_BY_HEADER)).not.toBe(drained.id);
    }
    expect(drained.requests).toEqual([]);
  });
});

describe("client identity headers", () => {
  it("rebuilds X-Forwarded-For, X-Real-IP and Forwarded from CF-Connecting-IP and drops every client copy", async () => {
    const servers = await threeOrigins();
    const [a] = servers;
    const worker = await edge(servers, SHARED);
    const response = await worker.fetch("/who", {
      headers: {
        ...(await signedCookieHeader(cookieRanking(servers, a.id))),
        "x-forwarded-for": "203.0.113.66, 10.0.0.1",
        "x-real-ip": "203.0.113.66",
        forwarded: "for=203.0.113.66;host=evil.example.net",
        "true-client-ip": "203.0.113.66",
        "x-client-ip": "203.0.113.66",
        "x-forwarded-host": "evil.example.net",
        "x-forwarded-port": "8443",
      },
    });
    expect(response.status).toBe(200);
    const { headers } = a.requests[0];
    // Miniflare sets CF-Connecting-IP from the real peer, as Cloudflare does.
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers["x-real-ip"]).toBe("127.0.0.1");
    expect(headers.forwarded).toBe(`for=127.0.0.1;host=${PUBLIC_HOST};proto=https`);
    expect(headers["x-forwarded-host"]).toBe(PUBLIC_HOST);
    for (const dropped of ["true-client-ip", "x-client-ip", "x-forwarded-port"])
      expect(headers[dropped]).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain("203.0.113.66");
    expect(JSON.stringify(headers)).not.toContain("evil.example.net");
  });

  it("sends only the configured public host, whatever Host the request came with", async () => {
    const servers = await threeOrigins();
    const [a] = servers;
    const worker = await edge(servers, SHARED);
    await worker.fetch("/", {
      headers: { host: "attacker.example.org", ...(await signedCookieHeader(cookieRanking(servers, a.id))) },
    });
    expect(a.requests[0].headers["x-forwarded-host"]).toBe(PUBLIC_HOST);
  });
});

describe("health check", () => {
  it("answers a bare status publicly and keeps configuration problems in its logs", async () => {
    const a = await origin("aws.function");
    const worker = await edge([a], { secret: null, stickyKeys: ["short"] });
    const response = await worker.fetch(HEALTH_PATH);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: "unavailable" });
    for (const detail of ["ORIGIN_SECRET", "STICKY_KEY", "binding"]) expect(text).not.toContain(detail);
    expect(await worker.logsOnceContaining("STICKY_KEY must be at least 32 characters")).toContain(
      "STICKY_KEY must be at least 32 characters",
    );
    expect(a.requests).toEqual([]);
  });
});
