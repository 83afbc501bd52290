/**
 * The workload under hostile traffic, on every adapter's real runtime (see
 * targets.ts): bodies over the limit refused with 413, fail-closed start
 * without an origin secret, and the secret never in a response or a log line,
 * whatever the request. That a 60 MB body is refused before it is buffered is
 * a journey (__tests__/journeys/app-bodies.test.ts).
 */
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type ContractResponse, type RunningTarget, TARGETS } from "./targets";

jest.setTimeout(60_000);

const SECRET = "hostileOriginSecret9b1e77c2d4".padEnd(48, "0"); // as generated (ORIGIN_SECRET_LENGTH)
const LIMIT = 4096;

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
