/**
 * The Cloud Functions adapter under the real Functions Framework (its own CLI
 * and Express server, from the shipped zip): a stranger's body is never read.
 * The framework's body parsers buffer up to 1024 MB (the Google front end
 * lets 32 MB through) before a handler runs; the adapter hides the body from
 * them, so the origin secret is checked first and the app's body limit bounds
 * what a caller with the secret can send.
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { ORIGIN_SECRET, ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { BODY_LIMIT } from "../../lib/service";
import { type RunningTarget, TARGETS } from "./targets";

const SECRET = "gcpBodySecret".padEnd(ORIGIN_SECRET_LENGTH, "7");
/** What the Google front end lets through (https://cloud.google.com/functions/quotas#resource_limits). */
const MIB = 1024 * 1024;
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

describe("gcp-functions: bodies are read only after the origin secret", () => {
  const gcp = TARGETS.find((t) => t.name === "gcp-functions") as (typeof TARGETS)[number];
  let running: RunningTarget;
  beforeAll(async () => {
    running = await gcp.start({ [ORIGIN_SECRET.envVar]: SECRET });
  }, 30_000);
  afterAll(() => running?.stop());

  it(`refuses ${PARALLEL} parallel ${FRONT_END_LIMIT / 1024 / 1024} MB bodies without the secret (403) without holding them`, async () => {
    const pid = running.pid as number;
    const before = memoryMb(pid);
    const statuses = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        streamPost(running.base as string, FRONT_END_LIMIT, { "content-type": "application/octet-stream" }),
      ),
    );
    expect(statuses).toEqual(Array(PARALLEL).fill(403));
    const after = memoryMb(pid);
    // Buffered, the peak would grow by at least PARALLEL x 32 MB.
    expect(after.peak - before.rss).toBeLessThan(FRONT_END_LIMIT / 1024 / 1024);
  }, 60_000);

  it("never inflates a compressed body for a stranger (a small gzip of a huge body)", async () => {
    const pid = running.pid as number;
    const before = memoryMb(pid);
    // One gzip member of 1 MiB of zeros, 64 times over (RFC 1952: a gzip file is a series of members, and
    // Node's gunzip, which body-parser uses, inflates every one): 64 KB that inflate to twice the front
    // end's limit, compressed in 1/64 of the 0.3 s of CPU that compressing 64 MB at once took.
    const member = gzipSync(Buffer.alloc(MIB));
    const bomb = Buffer.concat(Array.from({ length: (FRONT_END_LIMIT * 2) / MIB }, () => member));
    const status = await streamPost(
      running.base as string,
      bomb.length,
      { "content-type": "application/json", "content-encoding": "gzip" },
      bomb,
    );
    expect(status).toBe(403);
    expect(memoryMb(pid).peak - before.rss).toBeLessThan(FRONT_END_LIMIT / 1024 / 1024);
  }, 60_000);

  it("with the secret, answers 413 past the body limit and still serves a small body", async () => {
    const withSecret = { [ORIGIN_SECRET.header]: SECRET, "content-type": "application/octet-stream" };
    expect(await streamPost(running.base as string, BODY_LIMIT.defaultBytes + 1, withSecret)).toBe(413);
    const response = await running.send({
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
});
