/**
 * The router Worker (module syntax): answers its health path itself, picks an
 * origin per client by weight, forwards with failover, and names the origin
 * that served only when the routing table asks for debug headers. Built by lib/edge/bundle.ts; only Web-standard APIs, no Node.
 *
 * One request goes through small steps, each its own function so a concern
 * (metrics, a verified route to one origin...) plugs in as one more step:
 * edge paths -> settings -> deadline -> body -> client key -> forward -> cookie.
 */
import { type AttemptRecord, LOCAL_TAG, type ReleaseTag, recordAttempt } from "./analytics";
import { DeadlineExceeded, requestBody } from "./body";
import { rankOrigins } from "./choose";
import { EDGE_PATH_PREFIX, HEALTH_PATH } from "./contract";
import { type EdgeSettings, readEnv } from "./env";
import { deadlineResponse, forward, isIdempotent, jsonResponse, payloadTooLarge } from "./forward";
import { clientKey } from "./sticky";

export default {
  async fetch(request: Request, env: Readonly<Record<string, unknown>>): Promise<Response> {
    const url = new URL(request.url);
    const settings = readEnv(env);
    if (url.pathname === HEALTH_PATH) return health(request, settings.ok);
    if (url.pathname.startsWith(EDGE_PATH_PREFIX)) return jsonResponse(404, { error: "not_found" });
    // Problems were logged by readEnv; clients learn nothing about configuration.
    if (!settings.ok) return jsonResponse(503, { error: "edge_unavailable" });
    return route(request, settings.settings);
  },
};

/** The release every data point is tagged with, from the routing table. */
function releaseTag(config: EdgeSettings["config"]): ReleaseTag {
  if (config.release === undefined) return LOCAL_TAG;
  const shares: Record<string, number> = {};
  for (const origin of config.origins) if (origin.releaseShare !== undefined) shares[origin.id] = origin.releaseShare;
  return { id: config.release.id, step: config.release.step, shares };
}

/** Bare status, publicly: details of a misconfiguration go to the Worker's logs only. */
function health(request: Request, ok: boolean): Response {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return jsonResponse(405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
  }
  return ok ? jsonResponse(200, { status: "ok" }) : jsonResponse(503, { status: "unavailable" });
}

async function route(request: Request, settings: EdgeSettings): Promise<Response> {
  const { config, secret, stickyKeys, analytics } = settings;
  const sampleRate = config.analyticsSampleRate ?? 1;
  const release = releaseTag(config);
  const onAttempt =
    analytics === undefined
      ? undefined
      : (record: AttemptRecord) => recordAttempt(analytics, record, sampleRate, Math.random, release);
  // One clock for the whole request: reading a slow body and every attempt.
  const deadline = AbortSignal.timeout(config.deadlineMs);
  const retryable = isIdempotent(request.method);
  let body: Awaited<ReturnType<typeof requestBody>>;
  try {
    body = await requestBody(request, retryable, config.maxBodyBytes, deadline);
  } catch (error) {
    if (error instanceof DeadlineExceeded) return deadlineResponse();
    throw error;
  }
  if (body.kind === "too large") return payloadTooLarge();

  const client = await clientKey(request, config.stickyHeader, stickyKeys);
  const ranked = rankOrigins(config.origins, client.key);
  const response =
    ranked.length === 0
      ? jsonResponse(503, { error: "no_origins", message: "no origin is deployed behind this edge yet" })
      : await forward(request, body, ranked, {
          secret,
          timeoutMs: config.timeoutMs,
          maxAttempts: config.maxAttempts,
          publicHost: config.publicHost,
          deadline,
          onAttempt,
          nameOrigin: config.debugHeaders === true,
        });
  // Every response here was built by the Worker, so its headers are mutable.
  if (client.setCookie !== undefined) response.headers.append("set-cookie", client.setCookie);
  return response;
}
