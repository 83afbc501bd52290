/**
 * The workload: one Web-standard fetch application, served unchanged by every
 * adapter in app/adapters/. A fork replaces its routes here (and keeps the
 * middleware: request id, origin secret, access log).
 */
import { Hono } from "hono";
import { type RequestIdVariables, requestId } from "hono/request-id";
import { ORIGIN_SECRET, SERVICE } from "../lib/service";

export type Target = "function" | "container" | "edge";

export interface WorkloadOptions {
  /** `service` in `GET /`. */
  readonly service: string;
  /** `version` in `GET /`. */
  readonly version: string;
  /**
   * `release` in `GET /`: the commit and image digest the pipeline deployed
   * (RELEASE_ID / IMAGE_DIGEST), so a check can tell the new release from the old.
   * @default { id: "local" }
   */
  readonly release?: { readonly id: string; readonly digest?: string };
  /** Where the instance runs: aws, azure, gcp, cloudflare, local. */
  readonly cloud: string;
  /** Region or location the instance runs in, or `unknown`. */
  readonly region: string;
  /** Which product serves it. */
  readonly target: Target;
  /**
   * When set, every request except the health path must carry it in the
   * `x-origin-secret` header, so only the edge reaches the origin.
   * @default - no check
   */
  readonly originSecret?: string;
  /**
   * Receives one JSON line per request.
   * @default console.log (stdout, which every platform ships to its log store)
   */
  readonly log?: (line: string) => void;
}

/** The request id header, read from the caller when valid and always set on the response. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Fields of the access log line (one per request). No header values, no query string: either may carry secrets. */
export interface AccessLogLine {
  readonly time: string;
  /** Cloud Logging reads `severity`; the others keep it as a field. */
  readonly severity: "INFO" | "WARNING" | "ERROR";
  readonly msg: "request";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
  readonly service: string;
  readonly cloud: string;
  readonly target: Target;
  /** Name of the error that turned the request into a 500, if any. */
  readonly error?: string;
}

type Env = { Variables: RequestIdVariables & { errorName?: string } };

export function createApp(options: WorkloadOptions): Hono<Env> {
  const log = options.log ?? ((line: string) => console.log(line));
  const secret = options.originSecret === "" ? undefined : options.originSecret;
  const app = new Hono<Env>();

  // Access log first, so 403s, 404s and 500s are logged with their final status.
  app.use(async (c, next) => {
    const start = performance.now();
    await next();
    const status = c.res.status;
    const line: AccessLogLine = {
      time: new Date().toISOString(),
      severity: status >= 500 ? "ERROR" : status >= 400 ? "WARNING" : "INFO",
      msg: "request",
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - start) * 100) / 100,
      requestId: c.get("requestId"),
      service: options.service,
      cloud: options.cloud,
      target: options.target,
      error: c.get("errorName"),
    };
    log(JSON.stringify(line));
  });
  // Keeps a caller's id when it is short and plain ([A-Za-z0-9_=-]), else generates a UUID.
  app.use(requestId({ headerName: REQUEST_ID_HEADER, limitLength: 128 }));
  app.use(async (c, next) => {
    c.header("cache-control", "no-store");
    c.header("x-content-type-options", "nosniff");
    if (secret !== undefined && c.req.path !== SERVICE.healthPath) {
      if (!safeEqual(c.req.header(ORIGIN_SECRET.header) ?? "", secret)) {
        return c.json({ error: "forbidden", requestId: c.get("requestId") }, 403);
      }
    }
    await next();
  });

  app.get("/", (c) =>
    c.json({
      service: options.service,
      version: options.version,
      release: { id: options.release?.id ?? "local", digest: options.release?.digest ?? null },
      cloud: options.cloud,
      region: options.region,
      target: options.target,
    }),
  );
  app.get(SERVICE.healthPath, (c) => c.json({ status: "ok" }));
  // Shows what reached the workload through each adapter: query, cookie names (never values), body bytes.
  app.post("/echo", async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const url = new URL(c.req.url);
    const query: Record<string, string[]> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
    return c.json({
      method: c.req.method,
      path: c.req.path,
      query,
      cookies: cookieNames(c.req.header("cookie")),
      contentType: c.req.header("content-type") ?? null,
      length: bytes.byteLength,
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
      text: new TextDecoder().decode(bytes),
    });
  });

  app.notFound((c) => c.json({ error: "not found", requestId: c.get("requestId") }, 404));
  app.onError((error, c) => {
    // Logged on the request's line; the name only, since the message may hold request data.
    c.set("errorName", error.name);
    return c.json({ error: "internal error", requestId: c.get("requestId") }, 500);
  });
  return app;
}

function cookieNames(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(";")
    .map((pair) => pair.split("=")[0].trim())
    .filter((name) => name !== "");
}

/** Compares in time that depends only on the caller's input length, not on how much of the secret matched. */
function safeEqual(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (b[i] ?? 0);
  return diff === 0;
}
