/** The workload itself (createApp) and how adapters read their environment, without any adapter. */

import { createApp, type WorkloadOptions } from "../../app/app";
import { WORKLOAD_ENV, WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { containerPlatform, containerPort, maxBodyBytes, workloadOptions } from "../../app/runtime";
import { company } from "../../environments/company";
import { RELEASE_ENV } from "../../lib/release";
import { BODY_LIMIT, ORIGIN_SECRET, SERVICE } from "../../lib/service";

function appWithLog(options: Partial<WorkloadOptions> = {}) {
  const lines: string[] = [];
  const app = createApp({
    service: "svc",
    version: "1.2.3",
    cloud: "aws",
    region: "eu-west-1",
    target: "function",
    allowMissingOriginSecret: true,
    log: (line) => lines.push(line),
    ...options,
  });
  const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, logs };
}

describe("createApp", () => {
  it("serves every route without an origin secret only when told to explicitly", async () => {
    const { app } = appWithLog();
    expect((await app.request("/")).status).toBe(200);
    expect((await app.request(SERVICE.healthPath)).status).toBe(200);
    expect((await app.request("/echo", { method: "POST", body: "x" })).status).toBe(200);
  });

  it.each([undefined, ""])("fails closed without an origin secret (%j), saying why once", async (originSecret) => {
    const { app, logs } = appWithLog({ originSecret, allowMissingOriginSecret: undefined });
    expect((await app.request("/")).status).toBe(503);
    expect((await app.request("/echo", { method: "POST", body: "x" })).status).toBe(503);
    expect((await app.request(SERVICE.healthPath)).status).toBe(200);
    const reasons = logs().filter((line) => line.msg === "failing closed");
    expect(reasons).toEqual([expect.objectContaining({ severity: "ERROR", reason: expect.stringContaining("503") })]);
  });

  it("checks the origin secret on every path but the health path", async () => {
    const secret = "s3cret".padEnd(ORIGIN_SECRET_LENGTH, "x");
    const { app } = appWithLog({ originSecret: secret });
    expect((await app.request("/")).status).toBe(403);
    expect((await app.request("/nope")).status).toBe(403);
    expect((await app.request("/echo", { method: "POST", body: "x" })).status).toBe(403);
    expect((await app.request(SERVICE.healthPath)).status).toBe(200);
    expect((await app.request("/", { headers: { [ORIGIN_SECRET.header]: secret } })).status).toBe(200);
    // Prefixes and longer values of the secret do not pass.
    expect((await app.request("/", { headers: { [ORIGIN_SECRET.header]: secret.slice(0, -1) } })).status).toBe(403);
    expect((await app.request("/", { headers: { [ORIGIN_SECRET.header]: `${secret}X` } })).status).toBe(403);
  });

  it("checks a secret sent to the health path, so a deep check through the edge sees a mismatch", async () => {
    const secret = "s3cret".padEnd(ORIGIN_SECRET_LENGTH, "x");
    const { app } = appWithLog({ originSecret: secret });
    const health = (value: string) => app.request(SERVICE.healthPath, { headers: { [ORIGIN_SECRET.header]: value } });
    expect((await health(secret)).status).toBe(200);
    expect((await health(`${secret.slice(0, -1)}y`)).status).toBe(403);
    // Failing closed, the edge's request fails too; a platform probe (no secret) still passes.
    const closed = appWithLog({ originSecret: "", allowMissingOriginSecret: undefined }).app;
    expect((await closed.request(SERVICE.healthPath, { headers: { [ORIGIN_SECRET.header]: secret } })).status).toBe(
      503,
    );
    expect((await closed.request(SERVICE.healthPath)).status).toBe(200);
  });

  it("turns a thrown error into a JSON 500 and logs the error name on the request's one line", async () => {
    const { app, logs } = appWithLog();
    app.get("/boom", () => {
      throw new TypeError("details that may contain user data");
    });
    const response = await app.request("/boom", { headers: { "x-request-id": "boom-1" } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal error", requestId: "boom-1" });
    expect(response.headers.get("x-request-id")).toBe("boom-1");
    expect(logs()).toEqual([
      expect.objectContaining({
        severity: "ERROR",
        status: 500,
        path: "/boom",
        requestId: "boom-1",
        error: "TypeError",
      }),
    ]);
    expect(JSON.stringify(logs())).not.toContain("details that may contain");
  });

  it("logs INFO, WARNING and ERROR by status and omits the error field when there is none", async () => {
    const { app, logs } = appWithLog();
    await app.request("/");
    await app.request("/missing");
    expect(logs().map((line) => [line.status, line.severity])).toEqual([
      [200, "INFO"],
      [404, "WARNING"],
    ]);
    expect(logs()[0]).not.toHaveProperty("error");
  });

  it("logs through console.log when no logger is given", async () => {
    const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await createApp({
        service: "s",
        version: "v",
        cloud: "local",
        region: "r",
        target: "container",
        allowMissingOriginSecret: true,
      }).request("/");
      expect(spy).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(spy.mock.calls[0][0]))).toEqual(
        expect.objectContaining({ msg: "request", status: 200 }),
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe("workloadOptions", () => {
  const platform = { cloud: "aws", target: "function", region: "eu-west-1" } as const;

  it("defaults service and version to lib/service.ts and region to the platform's", () => {
    expect(workloadOptions({}, platform)).toEqual({
      service: company.service,
      version: SERVICE.version,
      release: { id: "local", digest: undefined },
      cloud: "aws",
      region: "eu-west-1",
      target: "function",
      originSecret: undefined,
      allowMissingOriginSecret: false,
      maxBodyBytes: BODY_LIMIT.defaultBytes,
    });
  });

  it("reads every documented variable, REGION winning over the platform's", () => {
    const env = {
      [WORKLOAD_ENV.serviceName]: "other",
      [WORKLOAD_ENV.serviceVersion]: "9.9.9",
      [WORKLOAD_ENV.region]: "us-east-1",
      [WORKLOAD_ENV.originSecret]: "s",
      [WORKLOAD_EXTRA_ENV.maxBodyBytes]: "2048",
      [RELEASE_ENV.id]: "c0ffee",
      [RELEASE_ENV.digest]: `sha256:${"0".repeat(64)}`,
    };
    expect(workloadOptions(env, platform)).toEqual({
      service: "other",
      version: "9.9.9",
      release: { id: "c0ffee", digest: `sha256:${"0".repeat(64)}` },
      cloud: "aws",
      region: "us-east-1",
      target: "function",
      originSecret: "s",
      allowMissingOriginSecret: false,
      maxBodyBytes: 2048,
    });
  });

  it("ignores empty and non-string values (Worker bindings can be objects)", () => {
    const env = { SERVICE_NAME: "", REGION: "", ORIGIN_SECRET: { binding: true } };
    expect(workloadOptions(env, { cloud: "gcp", target: "function" })).toEqual(
      expect.objectContaining({ service: company.service, region: "unknown", originSecret: undefined }),
    );
  });
});

describe("local opt-out and body limit variables", () => {
  const optOut = { [WORKLOAD_EXTRA_ENV.allowMissingOriginSecret]: "true" };

  it("honours ALLOW_MISSING_ORIGIN_SECRET only where no cloud platform is recognised", () => {
    expect(workloadOptions(optOut, containerPlatform(optOut)).allowMissingOriginSecret).toBe(true);
    for (const platformEnv of [
      { K_SERVICE: "x" },
      { CONTAINER_APP_NAME: "x" },
      { ECS_CONTAINER_METADATA_URI_V4: "x" },
    ]) {
      const env = { ...optOut, ...platformEnv };
      expect(workloadOptions(env, containerPlatform(env)).allowMissingOriginSecret).toBe(false);
    }
    for (const cloud of ["aws", "azure", "gcp", "cloudflare"]) {
      expect(workloadOptions(optOut, { cloud, target: "function" }).allowMissingOriginSecret).toBe(false);
    }
    expect(
      workloadOptions({ [WORKLOAD_EXTRA_ENV.allowMissingOriginSecret]: "1" }, containerPlatform({}))
        .allowMissingOriginSecret,
    ).toBe(false);
  });

  it.each(["1MB", "-5", "0", "1.5"])("refuses MAX_BODY_BYTES=%s with a message naming the variable", (value) => {
    expect(() => maxBodyBytes({ [WORKLOAD_EXTRA_ENV.maxBodyBytes]: value })).toThrow(
      `${WORKLOAD_EXTRA_ENV.maxBodyBytes}="${value}" is not a positive whole number of bytes`,
    );
  });
});

describe("containerPlatform", () => {
  it.each([
    [{ K_SERVICE: "shop" }, "gcp"],
    [{ CONTAINER_APP_NAME: "shop" }, "azure"],
    [{ ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/x" }, "aws"],
    [{}, "local"],
    [{ K_SERVICE: "shop", CLOUD: "aws" }, "aws"],
  ])("recognises %j as %s", (env, cloud) => {
    expect(containerPlatform(env)).toEqual(expect.objectContaining({ cloud, target: "container" }));
  });

  it("takes the region from AWS_REGION when ECS sets it", () => {
    expect(containerPlatform({ AWS_REGION: "eu-central-1" }).region).toBe("eu-central-1");
  });
});

describe("containerPort", () => {
  it("uses PORT, else the service's container port", () => {
    expect(containerPort({ PORT: "9090" })).toBe(9090);
    expect(containerPort({ PORT: "0" })).toBe(0);
    expect(containerPort({})).toBe(SERVICE.containerPort);
  });

  it.each(["http", "80.5", "70000", "-1"])("refuses PORT=%s with a message naming the variable", (value) => {
    expect(() => containerPort({ PORT: value })).toThrow(`PORT="${value}" is not a port number (0-65535)`);
  });
});
