/**
 * Forwarding one client request to the ranked origins, with failover for
 * idempotent methods only.
 */
import { ORIGIN_SECRET } from "../../service";
import { type AttemptRecord, outcomeOf } from "./analytics";
import type { RequestBody } from "./body";
import { ATTEMPTS_HEADER, type EdgeOrigin, SERVED_BY_HEADER } from "./contract";
import { originHeaders } from "./headers";

/** Methods retried on another origin: RFC 9110's idempotent methods, except TRACE (a diagnostic, never worth a retry). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export interface ForwardOptions {
  readonly secret: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** The edge's public hostname, sent as `X-Forwarded-Host`. */
  readonly publicHost: string;
  /** Aborts when the request's overall deadline passes. */
  readonly deadline: AbortSignal;
  /** Called after every attempt at an origin (the per-origin analytics). */
  readonly onAttempt?: (record: AttemptRecord) => void;
  /**
   * Name the origin that served in SERVED_BY_HEADER (EdgeConfig.debugHeaders).
   * @default false
   */
  readonly nameOrigin?: boolean;
}

/** Why an attempt failed; reported in the JSON error and in logs, never with URLs or secrets. */
export interface Attempt {
  readonly origin: string;
  readonly outcome: "timeout" | "network" | "deadline" | `status ${number}`;
}

type Outcome = { readonly response: Response } | { readonly failure: Attempt };

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * Sends `request` to `ranked[0]`; when its body was buffered (an idempotent
 * method), moves on to the next origin after a network error, a timeout or a
 * 5xx. A streamed body is sent once: its 5xx is the origin's answer and is
 * returned as is. Nothing is tried after the overall deadline.
 */
export async function forward(
  request: Request,
  body: RequestBody,
  ranked: readonly EdgeOrigin[],
  options: ForwardOptions,
): Promise<Response> {
  const retry = body.kind !== "streamed" && isIdempotent(request.method);
  const limit = retry ? Math.min(options.maxAttempts, ranked.length) : 1;
  const payload = body.kind === "buffered" ? body.bytes : body.kind === "streamed" ? body.stream : null;
  const incoming = new URL(request.url);
  const headers = originHeaders(request.headers, incoming, options.publicHost, options.secret);
  const attempts: Attempt[] = [];

  for (let i = 0; i < limit && !options.deadline.aborted; i++) {
    const origin = ranked[i];
    const started = Date.now();
    const cut = body.kind === "streamed" ? body.cut : undefined;
    const outcome = await attempt(origin, incoming, request.method, headers, payload, options, cut);
    if (options.onAttempt !== undefined) {
      const status = "response" in outcome ? outcome.response.status : 0;
      const failure = "failure" in outcome ? outcome.failure.outcome : undefined;
      options.onAttempt({
        origin: origin.id,
        outcome: outcomeOf(status, failure === undefined ? undefined : failure === "network" ? "network" : "timeout"),
        status,
        latencyMs: Date.now() - started,
        attempt: i + 1,
        method: request.method,
      });
    }
    if ("response" in outcome) {
      const { response } = outcome;
      // A 5xx or a 403 (the origin refused the edge's secret) fails the origin: try the next one.
      if (outcomeOf(response.status) === "ok" || !retry) return clientResponse(response, origin, i + 1, options);
      // Free the connection before trying the next origin.
      await response.body?.cancel();
      attempts.push({ origin: origin.id, outcome: `status ${response.status}` });
    } else {
      if (body.kind === "streamed" && body.exceeded()) return payloadTooLarge();
      attempts.push(outcome.failure);
    }
  }
  return failureResponse(attempts, options.deadline.aborted);
}

async function attempt(
  origin: EdgeOrigin,
  incoming: URL,
  method: string,
  headers: Headers,
  body: RequestInit["body"],
  options: ForwardOptions,
  cut: AbortSignal | undefined,
): Promise<Outcome> {
  const target = `${origin.url}${incoming.pathname}${incoming.search}`;
  const controller = new AbortController();
  // The limit covers the wait for response headers; a slow body then streams to the client.
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const signal = AbortSignal.any([controller.signal, options.deadline, ...(cut === undefined ? [] : [cut])]);
  try {
    const response = await fetch(target, { method, headers, body, redirect: "manual", signal });
    return { response };
  } catch {
    const outcome = options.deadline.aborted ? "deadline" : controller.signal.aborted ? "timeout" : "network";
    return { failure: { origin: origin.id, outcome } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The origin's response for the client: the secret removed from every header
 * (where frameworks echo request headers) and cut from the body (see
 * withoutSecret), the origin named only when debugging.
 */
function clientResponse(response: Response, origin: EdgeOrigin, attempts: number, options: ForwardOptions): Response {
  const { secret } = options;
  const headers = new Headers(response.headers);
  headers.delete(ORIGIN_SECRET.header);
  for (const [name, value] of [...headers]) if (value.includes(secret)) headers.delete(name);
  if (options.nameOrigin === true) headers.set(SERVED_BY_HEADER, origin.id);
  headers.set(ATTEMPTS_HEADER, String(attempts));
  const location = headers.get("location");
  if (location !== null && (location === origin.url || location.startsWith(`${origin.url}/`))) {
    // Keep redirects on the edge hostname rather than leaking the origin's.
    const path = location.slice(origin.url.length);
    headers.set("location", path === "" ? "/" : path);
  }
  const body = response.body === null ? null : withoutSecret(response.body, secret, origin.id);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The body streamed on, never buffered whole, holding back the last
 * `secret.length - 1` bytes so a secret split across chunks is still seen.
 * When the secret appears, the stream fails there: the client gets a cut
 * response (headers already went out) and never the secret,
 * and the Worker logs which origin sent it. The runtime hands over decoded
 * bodies (gzip is undone by fetch), so only a secret the workload re-encodes
 * itself (base64, escaped JSON) would pass: the workload never puts it in a body.
 */
export function withoutSecret(
  body: ReadableStream<Uint8Array>,
  secret: string,
  originId: string,
): ReadableStream<Uint8Array> {
  const needle = new TextEncoder().encode(secret);
  const keep = needle.length - 1;
  let tail = new Uint8Array(0);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const window = new Uint8Array(tail.length + chunk.length);
        window.set(tail);
        window.set(chunk, tail.length);
        const at = indexOf(window, needle);
        if (at !== -1) {
          console.error(
            JSON.stringify({ message: "origin response carried the origin secret; cut", origin: originId }),
          );
          controller.error(new Error("origin response carried the origin secret"));
          return;
        }
        const cut = Math.max(0, window.length - keep);
        if (cut > 0) controller.enqueue(window.slice(0, cut));
        tail = window.slice(cut);
      },
      flush(controller) {
        if (tail.length > 0) controller.enqueue(tail);
      },
    }),
  );
}

/** First index of `needle` in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Every attempt failed: 504 when they all timed out or the deadline passed, else 502. */
function failureResponse(attempts: readonly Attempt[], pastDeadline: boolean): Response {
  if (pastDeadline) {
    console.warn(JSON.stringify({ message: "request deadline passed", status: 504, attempts }));
    return deadlineResponse(attempts);
  }
  const allTimedOut = attempts.length > 0 && attempts.every((a) => a.outcome === "timeout");
  const status = allTimedOut ? 504 : 502;
  console.warn(JSON.stringify({ message: "origins failed", status, attempts }));
  return jsonResponse(status, {
    error: allTimedOut ? "origin_timeout" : "bad_gateway",
    message: allTimedOut ? "no origin answered in time" : "no origin could serve the request",
    attempts,
  });
}

/** 504: the request's overall deadline passed (slow body, or origins too slow in turn). */
export function deadlineResponse(attempts: readonly Attempt[] = []): Response {
  return jsonResponse(504, {
    error: "deadline_exceeded",
    message: "the request took longer than the edge allows",
    attempts,
  });
}

/** 413: the body is larger than the edge accepts. */
export function payloadTooLarge(): Response {
  return jsonResponse(413, { error: "payload_too_large", message: "the request body is larger than the edge accepts" });
}

export function jsonResponse(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}
