/**
 * The workload: one Web-standard fetch application, served unchanged by every
 * adapter in app/adapters/. A fork replaces its routes here (and keeps the
 * middleware: request id, origin secret, body limit, access log).
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type RequestIdVariables, requestId } from "hono/request-id";
import { BODY_LIMIT, SERVICE } from "./constants";
import { ORIGIN_SECRET, originSecretProblem } from "./origin-secret";

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
   * Every request except the health path must carry it in the
   * `x-origin-secret` header, so only the edge reaches the origin. A function
   * is called on the first request (Lambda reads SSM, Azure Functions Key
   * Vault), and its result kept (see `originSecretMaxAgeMs`); a rejection is
   * retried on the next request. Without a secret the
   * workload fails closed (503) unless `allowMissingOriginSecret`; a value that
   * is shorter than ORIGIN_SECRET_LENGTH or an unresolved platform reference
   * always fails closed (app/origin-secret.ts).
   * @default - none: 503 on every path but the health path
   */
  readonly originSecret?: string | OriginSecretSource;
  /**
   * How long a value read by an `originSecret` function is kept before the
   * next request reads it again, so a rotated secret is picked up (Azure
   * Functions reads Key Vault). A read that fails then fails closed like a
   * first one: the old value is not kept past its age.
   * @default - kept for the life of the instance (Lambda: one read per cold start)
   */
  readonly originSecretMaxAgeMs?: number;
  /**
   * Serve without an origin secret (local development only; see
   * `ALLOW_MISSING_ORIGIN_SECRET` in app/contract.ts).
   * @default false
   */
  readonly allowMissingOriginSecret?: boolean;
  /**
   * Largest request body in bytes; larger ones get 413 before they are buffered.
   * @default BODY_LIMIT.defaultBytes (1 MiB)
   */
  readonly maxBodyBytes?: number;
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

/** The 413 body, also answered by adapters that see the size before the app does (Lambda, Azure). */
export function payloadTooLarge(maxBytes: number, requestId: string) {
  return { error: "payload too large", maxBytes, requestId };
}

/** Looks the origin secret up in a secret store; resolves undefined when it is not there. */
export type OriginSecretSource = () => Promise<string | undefined>;

type Env = { Variables: RequestIdVariables & { errorName?: string } };

export function createApp(options: WorkloadOptions): Hono<Env> {
  const log = options.log ?? ((line: string) => console.log(line));
  const originSecret = originSecretGate(options, log);
  const maxBodyBytes = options.maxBodyBytes ?? BODY_LIMIT.defaultBytes;
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
    // The health path answers platform probes without the secret; a request that carries it (the
    // edge's, and the deep check through the edge) has it checked, so a mismatch shows there too.
    if (c.req.path !== SERVICE.healthPath || c.req.header(ORIGIN_SECRET.header) !== undefined) {
      const secret = await originSecret();
      if (secret.kind === "closed") {
        return c.json({ error: "origin secret not configured", requestId: c.get("requestId") }, 503);
      }
      if (secret.kind === "value" && !safeEqual(c.req.header(ORIGIN_SECRET.header) ?? "", secret.value)) {
        return c.json({ error: "forbidden", requestId: c.get("requestId") }, 403);
      }
    }
    await next();
  });
  // After the secret check, so strangers cannot make the workload read anything; streams are counted, never held whole.
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.json(payloadTooLarge(maxBodyBytes, c.get("requestId")), 413),
    }),
  );

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
  // Bounded like every route by the body limit above.
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

type SecretState =
  | { readonly kind: "value"; readonly value: string }
  /** Explicit local opt-out: no check. */
  | { readonly kind: "open" }
  /** Fail closed: 503. */
  | { readonly kind: "closed" };

/** The origin secret as the request check needs it. Why it is missing is logged once, never the value. */
function originSecretGate(options: WorkloadOptions, log: (line: string) => void): () => Promise<SecretState> {
  let warned = false;
  const unavailable = (reason: string): SecretState => {
    if (!warned) {
      warned = true;
      const line = { time: new Date().toISOString(), severity: "ERROR", msg: "failing closed", reason };
      log(JSON.stringify({ ...line, cloud: options.cloud, target: options.target }));
    }
    return { kind: "closed" };
  };
  // Every adapter's secret passes here: empty, short or an unresolved reference (the literal
  // `@Microsoft.KeyVault(...)` Azure passes on when it cannot resolve one) fails closed.
  const found = (value: string | undefined): SecretState => {
    if (value === undefined || value === "") return missing();
    const problem = originSecretProblem(value);
    if (problem !== undefined) return unavailable(`${problem}: every path but ${SERVICE.healthPath} answers 503`);
    warned = false; // a later failure (a re-read after the value's age) is logged again
    return { kind: "value", value };
  };
  const missing = (): SecretState =>
    options.allowMissingOriginSecret === true
      ? { kind: "open" }
      : unavailable(`no ${ORIGIN_SECRET.envVar}: every path but ${SERVICE.healthPath} answers 503`);
  const given = options.originSecret;
  if (typeof given !== "function") {
    const state = found(given);
    return async () => state;
  }
  const maxAgeMs = options.originSecretMaxAgeMs;
  let resolved: { readonly state: SecretState; readonly at: number } | undefined;
  let pending: Promise<SecretState> | undefined;
  return async () => {
    if (resolved !== undefined && (maxAgeMs === undefined || Date.now() - resolved.at < maxAgeMs)) {
      return resolved.state;
    }
    // Concurrent requests share one read.
    pending ??= given().then(
      (value) => {
        resolved = { state: found(value), at: Date.now() };
        pending = undefined;
        return resolved.state;
      },
      (error: unknown) => {
        pending = undefined; // try the store again on the next request
        resolved = undefined; // an expired value is not served once it cannot be read again
        // The error's name only: messages can carry request or store details.
        const name = error instanceof Error ? error.name : "unknown error";
        return unavailable(`reading ${ORIGIN_SECRET.envVar} from the secret store failed (${name})`);
      },
    );
    return pending;
  };
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
