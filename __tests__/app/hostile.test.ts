/**
 * The workload under hostile traffic, on every adapter's real runtime (see
 * targets.ts): bodies over the limit refused with 413, fail-closed start
 * without an origin secret, and the secret never in a response or a log line,
 * whatever the request. That a 60 MB body is refused before it is buffered is
 * a journey (__tests__/journeys/app-bodies.test.ts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { company } from "../../environments/company";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type ContractResponse, type RunningTarget, TARGETS, withProcessEnv } from "./targets";

jest.setTimeout(60_000);

const SECRET = "hostile-origin-secret-9b1e77c2d4";
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

describe("aws-lambda: the origin secret from SSM Parameter Store", () => {
  const lambda = TARGETS.find((t) => t.name === "aws-lambda") as (typeof TARGETS)[number];
  const PARAMETER = `/${company.service}/hostile/${ORIGIN_SECRET.envVar}`;

  /** Stand-in for the SSM API on 127.0.0.1 (AWS JSON 1.1): counts GetParameter calls, answers `answer`. */
  async function startSsm(answer: (name: string) => { status: number; body: unknown }) {
    const calls: { target: string; name: string; decrypt: boolean }[] = [];
    const server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8").on("data", (chunk: string) => {
        raw += chunk;
      });
      req.on("end", () => {
        const body = JSON.parse(raw) as { Name: string; WithDecryption?: boolean };
        calls.push({
          target: String(req.headers["x-amz-target"]),
          name: body.Name,
          decrypt: body.WithDecryption === true,
        });
        const { status, body: out } = answer(body.Name);
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    return {
      calls,
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((done) => server.close(() => done())),
    };
  }

  /** Lambda's own variables, present for the whole run (the SDK reads them when it first calls SSM). */
  const lambdaEnvironment = (endpoint: string): (() => void) =>
    withProcessEnv({
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ACCESS_KEY_ID: "AKIDSTANDIN",
      AWS_SECRET_ACCESS_KEY: "stand-in",
      AWS_REGION: "eu-west-1",
    });

  it("reads the SecureString once per cold start and checks requests against it", async () => {
    const ssm = await startSsm((name) => ({
      status: 200,
      body: { Parameter: { Name: name, Type: "SecureString", Value: SECRET, Version: 1 } },
    }));
    const restore = lambdaEnvironment(ssm.url);
    const running = await lambda.start({ [WORKLOAD_EXTRA_ENV.originSecretParameter]: PARAMETER });
    try {
      const statuses = await Promise.all(
        [SECRET, SECRET, "wrong", SECRET].map(
          async (secret) =>
            (await running.send({ method: "GET", path: "/", headers: { [ORIGIN_SECRET.header]: secret } })).status,
        ),
      );
      expect(statuses).toEqual([200, 200, 403, 200]);
      expect(ssm.calls).toEqual([{ target: "AmazonSSM.GetParameter", name: PARAMETER, decrypt: true }]);
      expect(running.logLines().join("\n")).not.toContain(SECRET);
    } finally {
      await running.stop();
      restore();
      await ssm.close();
    }
  });

  it("fails closed while the parameter cannot be read, logs why once without details, and recovers", async () => {
    let available = false;
    const ssm = await startSsm((name) =>
      available
        ? { status: 200, body: { Parameter: { Name: name, Type: "SecureString", Value: SECRET } } }
        : { status: 400, body: { __type: "ParameterNotFound", message: `parameter ${name} not found` } },
    );
    const restore = lambdaEnvironment(ssm.url);
    const running = await lambda.start({ [WORKLOAD_EXTRA_ENV.originSecretParameter]: PARAMETER });
    try {
      const send = () => running.send({ method: "GET", path: "/", headers: { [ORIGIN_SECRET.header]: SECRET } });
      expect((await send()).status).toBe(503);
      expect((await send()).status).toBe(503);
      expect((await running.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
      const reasons = running.logLines().filter((line) => line.includes('"failing closed"'));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toContain("ParameterNotFound");
      expect(reasons[0]).not.toContain(PARAMETER);
      available = true;
      expect((await send()).status).toBe(200);
    } finally {
      await running.stop();
      restore();
      await ssm.close();
    }
  });
});
