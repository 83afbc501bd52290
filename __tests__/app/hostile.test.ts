/**
 * The workload under hostile traffic, on every adapter's real runtime (see
 * targets.ts): bodies over the limit refused with 413, fail-closed start
 * without an origin secret, and the secret never in a response or a log line,
 * whatever the request; on Cloud Functions, a stranger's body never read
 * (gcpBodies). That a 60 MB body is refused before it is buffered is
 * a journey (__tests__/journeys/app-bodies.test.ts).
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type ContractResponse, type RunningTarget, TARGETS } from "./targets";

jest.setTimeout(60_000);

const SECRET = "hostileOriginSecret9b1e77c2d4".padEnd(48, "0"); // as generated (ORIGIN_SECRET_LENGTH)
const LIMIT = 4096;
const MIB = 1024 * 1024;

const text = (response: ContractResponse) => new TextDecoder().decode(response.body);

/** What the Google front end lets through (https://cloud.google.com/functions/quotas#resource_limits). */
const FRONT_END_LIMIT = 32 * MIB;
const PARALLEL = 4;

/** Resident memory now and at its peak (Linux VmRSS / VmHWM), in MB. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) =>
    Number((new RegExp(`${name}:\\s+(\\d+) kB`).exec(status) as RegExpExecArray)[1]) / 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** Streams `bytes` (1 MiB chunks, never held whole here) and resolves with the status; a server that hangs up after answering is fine. */
function streamPost(base: string, bytes: number, headers: Record<string, string>, chunkOf = Buffer.alloc(1024 * 1024)) {
  const { port } = new URL(base);
  return new Promise<number>((done, fail) => {
    let status: number | undefined;
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/echo", headers: { ...headers, "content-length": bytes } },
      (res) => {
        status = res.statusCode;
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      },
    );
    req.on("error", (error) => (status === undefined ? fail(error) : done(status)));
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const chunk = chunkOf.subarray(0, Math.min(chunkOf.length, bytes - sent));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/**
 * The Cloud Functions adapter under the real Functions Framework (its own CLI and Express server, from
 * the shipped zip): a stranger's body is never read. The framework's body parsers buffer up to 1024 MB
 * (the Google front end lets 32 MB through) before a handler runs; the adapter hides the body from
 * them, so the origin secret is checked first and the app's body limit bounds what a caller with the
 * secret can send. Run on the gcp-functions runtime the tests above use (a start is ~0.5 s of CPU).
 */
function gcpBodies(running: () => RunningTarget): void {
  it(`refuses ${PARALLEL} parallel ${FRONT_END_LIMIT / 1024 / 1024} MB bodies without the secret (403) without holding them`, async () => {
    const pid = running().pid as number;
    const before = memoryMb(pid);
    const statuses = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        streamPost(running().base as string, FRONT_END_LIMIT, { "content-type": "application/octet-stream" }),
      ),
    );
    expect(statuses).toEqual(Array(PARALLEL).fill(403));
    const after = memoryMb(pid);
    // Buffered, the peak would grow by at least PARALLEL x 32 MB.
    expect(after.peak - before.rss).toBeLessThan(FRONT_END_LIMIT / 1024 / 1024);
  }, 60_000);

  it("never inflates a compressed body for a stranger (a small gzip of a huge body)", async () => {
    const pid = running().pid as number;
    const before = memoryMb(pid);
    // One gzip member of 1 MiB of zeros, 64 times over (RFC 1952: a gzip file is a series of members, and
    // Node's gunzip, which body-parser uses, inflates every one): 64 KB that inflate to twice the front
    // end's limit, compressed in 1/64 of the 0.3 s of CPU that compressing 64 MB at once took.
    const member = gzipSync(Buffer.alloc(MIB));
    const bomb = Buffer.concat(Array.from({ length: (FRONT_END_LIMIT * 2) / MIB }, () => member));
    const status = await streamPost(
      running().base as string,
      bomb.length,
      { "content-type": "application/json", "content-encoding": "gzip" },
      bomb,
    );
    expect(status).toBe(403);
    expect(memoryMb(pid).peak - before.rss).toBeLessThan(FRONT_END_LIMIT / 1024 / 1024);
  }, 60_000);

  it("with the secret, answers 413 to a body streamed past the body limit and still serves a small body", async () => {
    const withSecret = { [ORIGIN_SECRET.header]: SECRET, "content-type": "application/octet-stream" };
    expect(await streamPost(running().base as string, LIMIT + 1, withSecret)).toBe(413);
    const response = await running().send({
      method: "POST",
      path: "/echo",
      headers: { [ORIGIN_SECRET.header]: SECRET, "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual(
      expect.objectContaining({ length: 7, text: '{"a":1}', contentType: "application/json" }),
    );
  });
}

describe.each(TARGETS)("hostile traffic: $name", (target) => {
  describe("with a secret and a small body limit", () => {
    let running: RunningTarget;
    beforeAll(async () => {
      running = await target.start({
        [ORIGIN_SECRET.envVar]: SECRET,
        [WORKLOAD_EXTRA_ENV.maxBodyBytes]: String(LIMIT),
      });
    }, 30_000);
    afterAll(() => running?.stop());

    const post = (body: Uint8Array, headers: Record<string, string> = {}) =>
      running.send({
        method: "POST",
        path: "/echo",
        headers: { [ORIGIN_SECRET.header]: SECRET, "content-type": "application/octet-stream", ...headers },
        body,
      });

    it("accepts a body of exactly the limit and refuses one byte more with a JSON 413", async () => {
      const atLimit = await post(new Uint8Array(LIMIT).fill(7));
      expect(atLimit.status).toBe(200);
      expect(JSON.parse(text(atLimit)).length).toBe(LIMIT);
      const over = await post(new Uint8Array(LIMIT + 1).fill(7));
      expect(over.status).toBe(413);
      expect(JSON.parse(text(over))).toEqual(expect.objectContaining({ error: "payload too large", maxBytes: LIMIT }));
    });

    it("refuses an oversize body on every route and method, not only /echo", async () => {
      for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
        const response = await running.send({
          method,
          path: "/anything",
          headers: { [ORIGIN_SECRET.header]: SECRET },
          body: new Uint8Array(LIMIT * 4),
        });
        expect(response.status).toBe(413);
      }
    });

    it("never answers or logs the origin secret, whatever the request", async () => {
      const responses = await Promise.all([
        running.send({ method: "GET", path: "/", headers: { [ORIGIN_SECRET.header]: `${SECRET}x` } }),
        running.send({ method: "GET", path: `/?${ORIGIN_SECRET.header}=${SECRET}` }),
        running.send({ method: "GET", path: "/missing", headers: { [ORIGIN_SECRET.header]: SECRET } }),
        post(new Uint8Array(LIMIT * 2)),
        running.send({ method: "GET", path: SERVICE.healthPath }),
      ]);
      expect(responses.map((r) => r.status)).toEqual([403, 403, 404, 413, 200]);
      for (const response of responses) {
        expect(text(response)).not.toContain(SECRET);
        expect([...response.headers].join("\n")).not.toContain(SECRET);
      }
      // Process targets write their lines a little after the response.
      await new Promise((wake) => setTimeout(wake, 200));
      expect(running.logLines().join("\n")).not.toContain(SECRET);
    });

    if (target.name === "gcp-functions") gcpBodies(() => running);
  });

  describe("without an origin secret (fail closed)", () => {
    let running: RunningTarget;
    beforeAll(async () => {
      // The local opt-out is set too: a cloud platform must ignore it.
      running = await target.start({ [WORKLOAD_EXTRA_ENV.allowMissingOriginSecret]: "true" });
    }, 30_000);
    afterAll(() => running?.stop());

    it("answers 503 on every path but the health path, and says why in one log line", async () => {
      for (const path of ["/", "/missing", "/echo"]) {
        const response = await running.send({ method: path === "/echo" ? "POST" : "GET", path, body: undefined });
        expect(response.status).toBe(503);
        expect(JSON.parse(text(response))).toEqual(expect.objectContaining({ error: "origin secret not configured" }));
      }
      expect((await running.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
      await new Promise((wake) => setTimeout(wake, 200));
      const reasons = running
        .logLines()
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === "failing closed");
      expect(reasons).toEqual([expect.objectContaining({ severity: "ERROR", reason: expect.stringContaining("503") })]);
    });
  });
});
