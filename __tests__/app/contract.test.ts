/**
 * The workload's contract, asserted identically against all five adapters,
 * each run from its shipped artifact by its real runtime library (see
 * targets.ts): Lambda handler with HTTP API v2 events, Azure Functions
 * handler with real HttpRequest objects, the Functions Framework's own
 * server, the container server as a process, the Worker under Miniflare.
 */
import { WORKLOAD_ENV } from "../../app/contract";
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import type { Cloud, EnvironmentConfig } from "../../lib/config/schema";
import { isSecretReference, workloadEnvironment } from "../../lib/contract/workload-environment";
import { RELEASE_ENV } from "../../lib/release";
import { ORIGIN_SECRET, SERVICE, serviceSpecFor } from "../../lib/service";
import { environmentConfig } from "../helpers/environments";
import { type ContractRequest, type ContractResponse, type RunningTarget, TARGETS, type Target } from "./targets";

// As generated: letters and digits, ORIGIN_SECRET_LENGTH long.
const SECRET = "contractOriginSecret7f3a9c".padEnd(ORIGIN_SECRET_LENGTH, "0");
const CONFIG = environmentConfig();
const RELEASE = { id: "0123abcd-contract", digest: `sha256:${"ab".repeat(32)}` };
const SPEC = { ...serviceSpecFor(CONFIG, RELEASE), version: "2.0.0-contract" };
/**
 * Where each cloud's block names the region its targets are placed in (each cloud module's `region`,
 * lib/<cloud>/cloud.ts), read here directly: lib/stacks/clouds.ts would load every cloud module and its
 * provider classes into this suite for three strings (~0.9 s of CPU).
 */
const REGION_OF = {
  aws: (config) => config.aws?.region,
  azure: (config) => config.azure?.location,
  gcp: (config) => config.gcp?.region,
} satisfies Record<Cloud, (config: EnvironmentConfig) => string | undefined>;
const region = (cloud: Cloud) => REGION_OF[cloud](CONFIG);

/**
 * What the deployment gives the runtime: for the stack's targets, exactly
 * what `workloadEnvironment` sets (secrets resolved as the cloud's store
 * would); for the Worker, the origin secret and version as bindings.
 */
function deployedEnv(target: Target): Record<string, string> {
  if (target.deployedAs === undefined) {
    return {
      [ORIGIN_SECRET.envVar]: SECRET,
      [WORKLOAD_ENV.serviceVersion]: SPEC.version,
      [RELEASE_ENV.id]: RELEASE.id,
      [RELEASE_ENV.digest]: RELEASE.digest,
    };
  }
  const env = workloadEnvironment(SPEC, {
    cloud: target.deployedAs.cloud,
    region: String(region(target.deployedAs.cloud)),
    target: target.deployedAs.kind,
    originSecret: SECRET,
  });
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [
      name,
      isSecretReference(value) ? (value.value ?? `stored-${value.secret}`) : value,
    ]),
  );
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const json = (response: ContractResponse): unknown => JSON.parse(new TextDecoder().decode(response.body));

describe.each(TARGETS)("workload contract: $name", (target) => {
  let running: RunningTarget | undefined;

  beforeAll(async () => {
    running = await target.start(deployedEnv(target));
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
  });

  /** Sends as the edge does: with the origin secret, unless the request sets its own. */
  const send = (request: ContractRequest): Promise<ContractResponse> =>
    (running as RunningTarget).send({ ...request, headers: { [ORIGIN_SECRET.header]: SECRET, ...request.headers } });

  /** The access log lines of one request (waits briefly: a process's stdout arrives after its response). */
  async function logLinesFor(requestId: string): Promise<Record<string, unknown>[]> {
    const matching = () =>
      (running as RunningTarget)
        .logLines()
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.msg === "request" && entry.requestId === requestId);
    const deadline = Date.now() + 3_000;
    while (matching().length === 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
    // A little longer, so a duplicate line would be caught too.
    await new Promise((wake) => setTimeout(wake, 20));
    return matching();
  }

  it("GET / reports service, version, release, cloud, region and target as JSON", async () => {
    const response = await send({ method: "GET", path: "/" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json(response)).toEqual({
      service: SPEC.name,
      version: SPEC.version,
      release: RELEASE,
      cloud: target.expected.cloud,
      region: target.deployedAs === undefined ? target.expected.region : region(target.deployedAs.cloud),
      target: target.expected.target,
    });
  });

  it("sets a request id and the same safety headers on every response", async () => {
    for (const path of ["/", SERVICE.healthPath, "/does-not-exist"]) {
      const response = await send({ method: "GET", path });
      expect(response.headers.get("x-request-id")).toMatch(UUID);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("keeps the caller's request id, and replaces one that is not plain or too long", async () => {
    const kept = await send({ method: "GET", path: "/", headers: { "x-request-id": "edge-4f2a_9=" } });
    expect(kept.headers.get("x-request-id")).toBe("edge-4f2a_9=");
    for (const bad of ["has spaces and\ttabs", "x".repeat(129)]) {
      const replaced = await send({ method: "GET", path: "/", headers: { "x-request-id": bad } });
      expect(replaced.headers.get("x-request-id")).toMatch(UUID);
    }
  });

  it(`answers ${SERVICE.healthPath} with 200, without the origin secret`, async () => {
    const response = await running?.send({ method: "GET", path: SERVICE.healthPath });
    expect(response?.status).toBe(200);
    expect(json(response as ContractResponse)).toEqual({ status: "ok" });
  });

  it("answers an unknown path or method with a JSON 404 carrying the request id", async () => {
    for (const request of [
      { method: "GET", path: "/nope/deeper?x=1" },
      { method: "DELETE", path: "/" },
    ]) {
      const response = await send(request);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(json(response)).toEqual({ error: "not found", requestId: response.headers.get("x-request-id") });
    }
  });

  it("rejects a request without the right origin secret with a JSON 403", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { [ORIGIN_SECRET.header]: "wrong" },
      { [ORIGIN_SECRET.header]: `${SECRET}x` },
    ];
    for (const headers of attempts) {
      const response = await running?.send({ method: "GET", path: "/", headers });
      expect(response?.status).toBe(403);
      expect(json(response as ContractResponse)).toEqual({
        error: "forbidden",
        requestId: response?.headers.get("x-request-id"),
      });
    }
  });

  it("passes a binary POST body through byte for byte, with its query and cookies", async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const response = await send({
      method: "POST",
      path: "/echo?a=1&a=2&b=x%20y",
      headers: { "content-type": "application/octet-stream" },
      cookies: ["session=s3cr3t-cookie", "theme=dark"],
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect(json(response)).toEqual(
      expect.objectContaining({
        method: "POST",
        path: "/echo",
        query: { a: ["1", "2"], b: ["x y"] },
        cookies: ["session", "theme"],
        contentType: "application/octet-stream",
        length: 256,
        sha256: "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880",
      }),
    );
  });

  it("passes a UTF-8 text body through", async () => {
    const text = JSON.stringify({ greeting: "grüß dich", emoji: "🌍" });
    const response = await send({
      method: "POST",
      path: "/echo",
      headers: { "content-type": "application/json" },
      body: text,
    });
    expect(response.status).toBe(200);
    expect(json(response)).toEqual(
      expect.objectContaining({ text, length: new TextEncoder().encode(text).byteLength, query: {}, cookies: [] }),
    );
  });

  it("writes exactly one JSON log line per request, with no header values or query", async () => {
    const requestId = `log-check-${target.name}`;
    const response = await send({
      method: "POST",
      path: "/echo?token=query-secret-value",
      headers: { "x-request-id": requestId, authorization: "Bearer header-secret-value" },
      cookies: ["session=cookie-secret-value"],
      body: "body-text",
    });
    expect(response.status).toBe(200);
    const lines = await logLinesFor(requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        severity: "INFO",
        method: "POST",
        path: "/echo",
        status: 200,
        requestId,
        service: SPEC.name,
        cloud: target.expected.cloud,
        target: target.expected.target,
      }),
    );
    expect(typeof lines[0].durationMs).toBe("number");
    expect(new Date(lines[0].time as string).toString()).not.toBe("Invalid Date");
    const raw = JSON.stringify(lines[0]);
    for (const secret of [SECRET, "query-secret-value", "header-secret-value", "cookie-secret-value", "body-text"]) {
      expect(raw).not.toContain(secret);
    }

    const rejected = await running?.send({
      method: "GET",
      path: "/missing",
      headers: { "x-request-id": `${requestId}-403` },
    });
    expect(rejected?.status).toBe(403);
    expect(await logLinesFor(`${requestId}-403`)).toEqual([
      expect.objectContaining({ severity: "WARNING", status: 403, path: "/missing", method: "GET" }),
    ]);
  });

  it("shuts down cleanly (processes: SIGTERM, exit code 0)", async () => {
    const code = await running?.stop();
    running = undefined;
    expect(code).toBe(target.runsAsProcess ? 0 : undefined);
  }, 15_000);
});
