/**
 * The workload under hostile traffic, on every adapter's real runtime (see
 * targets.ts): bodies over the limit refused with 413 before they are
 * buffered (a 60 MB POST leaves every process under ~200 MB), fail-closed
 * start without an origin secret, and the secret never in a response or a
 * log line, whatever the request.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { buildFunctionBundle } from "../../app/build/bundles";
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { BODY_LIMIT, ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type ContractResponse, extractBundle, type RunningTarget, TARGETS, unpackAzureBundle } from "./targets";

jest.setTimeout(60_000);

const SECRET = "hostileOriginSecret9b1e77c2d4".padEnd(48, "0"); // as generated (ORIGIN_SECRET_LENGTH)
const LIMIT = 4096;
/** "A 60 MB POST gets 413 with the process staying under ~200 MB." */
const HUGE = 60 * 1024 * 1024;
const MEMORY_CEILING_MB = 200;

const text = (response: ContractResponse) => new TextDecoder().decode(response.body);

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

/** Peak resident memory of a process (Linux `VmHWM`), in MB. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Streams `bytes` zeros to a server in 1 MiB chunks (never held whole by the client) and resolves with the status. */
function streamPost(base: string, bytes: number): Promise<number> {
  const { port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/echo",
        headers: {
          [ORIGIN_SECRET.header]: SECRET,
          "content-type": "application/octet-stream",
          "content-length": bytes,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      },
    );
    req.on("error", fail);
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe(`a ${HUGE / 1024 / 1024} MB POST with the default ${BODY_LIMIT.defaultBytes / 1024} KiB limit`, () => {
  it.each(TARGETS.filter((t) => t.runsAsProcess).map((t) => [t.name, t] as const))(
    "%s: 413 and the server process stays small",
    async (_name, target) => {
      const running = await target.start({ [ORIGIN_SECRET.envVar]: SECRET });
      try {
        expect(await streamPost(running.base as string, HUGE)).toBe(413);
        expect(peakRssMb(running.pid as number)).toBeLessThan(MEMORY_CEILING_MB);
      } finally {
        await running.stop();
      }
    },
  );

  const fixture = join(__dirname, "fixtures", "oversize-in-process.cjs");
  it.each([
    ["aws-lambda", () => extractBundle(buildFunctionBundle("aws").path)],
    ["azure-functions", () => unpackAzureBundle().dir],
  ] as const)("%s handler: 413 and its process stays small", (name, unpack) => {
    const dir = unpack();
    try {
      const output = execFileSync(
        process.execPath,
        [fixture, name === "aws-lambda" ? "lambda" : "azure", dir, String(HUGE)],
        {
          env: { PATH: process.env.PATH ?? "", [ORIGIN_SECRET.envVar]: SECRET, AWS_REGION: "eu-west-1" },
          encoding: "utf8",
        },
      );
      const result = JSON.parse(output.trim().split("\n").pop() as string) as { status: number; maxRssMb: number };
      expect(result.status).toBe(413);
      expect(result.maxRssMb).toBeLessThan(MEMORY_CEILING_MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
