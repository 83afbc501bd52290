/**
 * The router Worker (module syntax): answers its health path itself, picks an
 * origin per client by weight, forwards with failover, and names the origin
 * that served. Built by lib/edge/bundle.ts; only Web-standard APIs, no Node.
 */
import { type AttemptRecord, recordAttempt } from "./analytics";
import { rankOrigins } from "./choose";
import { EDGE_PATH_PREFIX, HEALTH_PATH } from "./contract";
import { readEnv } from "./env";
import { forward, jsonResponse } from "./forward";
import { clientKey } from "./sticky";

export default {
  async fetch(request: Request, env: Readonly<Record<string, unknown>>): Promise<Response> {
    const url = new URL(request.url);
    const settings = readEnv(env);

    if (url.pathname === HEALTH_PATH) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return jsonResponse(405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
      }
      return settings.ok
        ? jsonResponse(200, { status: "ok", origins: settings.settings.config.origins.length })
        : jsonResponse(503, { status: "misconfigured", problems: settings.problems });
    }
    if (url.pathname.startsWith(EDGE_PATH_PREFIX)) return jsonResponse(404, { error: "not_found" });

    if (!settings.ok) {
      console.error(JSON.stringify({ message: "edge misconfigured", problems: settings.problems }));
      return jsonResponse(500, { error: "edge_misconfigured", message: "the edge is not configured; see its logs" });
    }
    const { config, secret, analytics } = settings.settings;
    const sampleRate = config.analyticsSampleRate ?? 1;
    const onAttempt =
      analytics === undefined ? undefined : (record: AttemptRecord) => recordAttempt(analytics, record, sampleRate);
    const client = clientKey(request, config.stickyHeader);
    const ranked = rankOrigins(config.origins, client.key);
    const response =
      ranked.length === 0
        ? jsonResponse(503, { error: "no_origins", message: "no origin is deployed behind this edge yet" })
        : await forward(request, ranked, {
            secret,
            timeoutMs: config.timeoutMs,
            maxAttempts: config.maxAttempts,
            onAttempt,
          });
    // Every response here was built by the Worker, so its headers are mutable.
    if (client.setCookie !== undefined) response.headers.append("set-cookie", client.setCookie);
    return response;
  },
};
