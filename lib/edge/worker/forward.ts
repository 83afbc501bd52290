/**
 * Forwarding one client request to the ranked origins, with failover for
 * idempotent methods only.
 */
import { ORIGIN_SECRET } from "../../service";
import { type AttemptRecord, outcomeOf } from "./analytics";
import { ATTEMPTS_HEADER, type EdgeOrigin, SERVED_BY_HEADER } from "./contract";

/** Methods retried on another origin: RFC 9110's idempotent methods, except TRACE (a diagnostic, never worth a retry). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Connection-level headers that must not be forwarded (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

export interface ForwardOptions {
  readonly secret: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** Called after every attempt at an origin (the per-origin analytics). */
  readonly onAttempt?: (record: AttemptRecord) => void;
}

/** Why an attempt failed; reported in the JSON error and in logs, never with URLs or secrets. */
export interface Attempt {
  readonly origin: string;
  readonly outcome: "timeout" | "network" | `status ${number}`;
}

type Outcome = { readonly response: Response } | { readonly failure: Attempt };

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/**
 * Sends `request` to `ranked[0]`; for an idempotent method, moves on to the
 * next origin after a network error, a timeout or a 5xx. A non-idempotent
 * request is sent once: its 5xx is the origin's answer and is returned as is.
 */
export async function forward(
  request: Request,
  ranked: readonly EdgeOrigin[],
  options: ForwardOptions,
): Promise<Response> {
  const retry = isIdempotent(request.method);
  const limit = retry ? Math.min(options.maxAttempts, ranked.length) : 1;
  // A stream can be read once: buffer the body of a retryable request so each attempt can resend it.
  const body =
    request.method === "GET" || request.method === "HEAD" ? null : retry ? await request.arrayBuffer() : request.body;
  const incoming = new URL(request.url);
  const headers = originHeaders(request.headers, incoming, options.secret);
  const attempts: Attempt[] = [];

  for (let i = 0; i < limit; i++) {
    const origin = ranked[i];
    const started = Date.now();
    const outcome = await attempt(origin, incoming, request.method, headers, body, options.timeoutMs);
    if (options.onAttempt !== undefined) {
      const status = "response" in outcome ? outcome.response.status : 0;
      const failure = "failure" in outcome ? (outcome.failure.outcome as "timeout" | "network") : undefined;
      options.onAttempt({
        origin: origin.id,
        outcome: outcomeOf(status, failure),
        status,
        latencyMs: Date.now() - started,
        attempt: i + 1,
        method: request.method,
      });
    }
    if ("response" in outcome) {
      const { response } = outcome;
      if (response.status < 500 || !retry) return clientResponse(response, origin, i + 1, options.secret);
      // Free the connection before trying the next origin.
      await response.body?.cancel();
      attempts.push({ origin: origin.id, outcome: `status ${response.status}` });
    } else {
      attempts.push(outcome.failure);
    }
  }
  return failureResponse(attempts);
}

async function attempt(
  origin: EdgeOrigin,
  incoming: URL,
  method: string,
  headers: Headers,
  body: RequestInit["body"],
  timeoutMs: number,
): Promise<Outcome> {
  const target = `${origin.url}${incoming.pathname}${incoming.search}`;
  const controller = new AbortController();
  // The limit covers the wait for response headers; a slow body then streams to the client.
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(target, { method, headers, body, redirect: "manual", signal: controller.signal });
    return { response };
  } catch {
    return { failure: { origin: origin.id, outcome: controller.signal.aborted ? "timeout" : "network" } };
  } finally {
    clearTimeout(timer);
  }
}

/** The client's headers as the origin should see them: no Host (fetch sets it from the origin URL), the secret added. */
function originHeaders(from: Headers, incoming: URL, secret: string): Headers {
  const headers = new Headers(from);
  for (const name of HOP_BY_HOP) headers.delete(name);
  headers.delete("host");
  // cf-* are Cloudflare's own request headers; the runtime adds the real ones to subrequests.
  for (const name of [...headers.keys()]) if (name.startsWith("cf-")) headers.delete(name);
  const client = from.get("cf-connecting-ip");
  if (client !== null) headers.set("x-forwarded-for", client);
  headers.set("x-forwarded-host", incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.slice(0, -1));
  // Replaces anything a client sent under the same name.
  headers.set(ORIGIN_SECRET.header, secret);
  return headers;
}

/** The origin's response for the client: the secret removed wherever an origin may echo it, the origin named. */
function clientResponse(response: Response, origin: EdgeOrigin, attempts: number, secret: string): Response {
  const headers = new Headers(response.headers);
  headers.delete(ORIGIN_SECRET.header);
  for (const [name, value] of [...headers]) if (value.includes(secret)) headers.delete(name);
  headers.set(SERVED_BY_HEADER, origin.id);
  headers.set(ATTEMPTS_HEADER, String(attempts));
  const location = headers.get("location");
  if (location !== null && (location === origin.url || location.startsWith(`${origin.url}/`))) {
    // Keep redirects on the edge hostname rather than leaking the origin's.
    const path = location.slice(origin.url.length);
    headers.set("location", path === "" ? "/" : path);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Every attempt failed: 504 when they all timed out, else 502. */
function failureResponse(attempts: readonly Attempt[]): Response {
  const allTimedOut = attempts.length > 0 && attempts.every((a) => a.outcome === "timeout");
  const status = allTimedOut ? 504 : 502;
  console.warn(JSON.stringify({ message: "origins failed", status, attempts }));
  return jsonResponse(status, {
    error: allTimedOut ? "origin_timeout" : "bad_gateway",
    message: allTimedOut ? "no origin answered in time" : "no origin could serve the request",
    attempts,
  });
}

export function jsonResponse(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra },
  });
}
