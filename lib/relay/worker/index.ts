/**
 * The alert relay: every cloud's alert route posts here (lib/relay/relay.ts).
 * It verifies the source (SNS: signature and the token; the others: the
 * token, in constant time), answers SNS subscription confirmations,
 * normalizes the payload into one {@link AlertRecord}, de-duplicates it per
 * receiver, and delivers it to every receiver in its own format.
 *
 * Answers: 200 delivered (or already delivered, or nothing to deliver),
 * 400 unreadable, 401 wrong token, 403 bad SNS signature or topic, 503 a
 * receiver failed (the cloud retries; receivers that already have it are
 * skipped by de-duplication). The scheduled handler pings `heartbeat`
 * receivers: a dead man's switch there pages when the pings stop.
 */
import {
  type AlertRecord,
  CLOUDFLARE_SECRET_HEADER,
  GCP_BASIC_USER,
  RELAY_BINDINGS,
  RELAY_HEALTH_PATH,
  type RelayConfig,
  type RelayReceiver,
  SOURCES,
  sourcePath,
  TOKEN_PARAM,
} from "./contract";
import { fromCloudWatch, isCloudflareTest, PARSERS } from "./normalize";
import { deliveryFor } from "./receivers";
import { isSnsUrl, type SnsMessage, snsProblem } from "./sns";

type Env = Record<string, unknown>;
/** The parts of the Workers runtime used here (the project compiles without Workers types). */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}
interface EdgeCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}
const edgeCache = (): EdgeCache => (globalThis as unknown as { caches: { default: EdgeCache } }).caches.default;

/** Largest alert payload read (Azure's biggest common-schema payloads are a few tens of KB). */
const MAX_BODY_BYTES = 256 * 1024;

const answer = (status: number, text: string): Response =>
  new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === RELAY_HEALTH_PATH && (request.method === "GET" || request.method === "HEAD")) {
      return answer(200, "ok");
    }
    const source = SOURCES.find((s) => sourcePath(s) === url.pathname);
    if (source === undefined) return answer(404, "not found");
    if (request.method !== "POST") return answer(405, "POST only");
    const config = env[RELAY_BINDINGS.config.name] as RelayConfig | undefined;
    const token = env[RELAY_BINDINGS.token.name];
    if (config === undefined || typeof token !== "string" || token === "") return answer(500, "relay not configured");
    if (!(await sameSecret(presentedToken(request, url), token))) return answer(401, "wrong or missing token");

    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > MAX_BODY_BYTES) return answer(413, "payload too large");
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES) return answer(413, "payload too large");
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return answer(400, "not JSON");
    }
    const base = { environment: config.environment, service: config.service };
    const now = new Date().toISOString();

    let record: AlertRecord | undefined;
    if (source === "aws") {
      const sns = payload as unknown as SnsMessage;
      const problem = await snsProblem(sns);
      if (problem !== undefined) return answer(403, `not a genuine SNS message: ${problem}`);
      const topic = String(sns.TopicArn).split(":").pop() ?? "";
      if (!config.snsTopics.includes(topic)) return answer(403, `topic ${topic} is not this environment's route`);
      if (sns.Type === "SubscriptionConfirmation") {
        if (!isSnsUrl(sns.SubscribeURL)) return answer(403, "SubscribeURL is not an SNS host");
        const confirmed = await fetch(sns.SubscribeURL as string, { redirect: "manual" });
        console.log(`relay: SNS subscription to ${topic} confirmed: ${confirmed.status}`);
        return confirmed.ok ? answer(200, "subscription confirmed") : answer(502, "confirmation refused");
      }
      if (sns.Type !== "Notification") return answer(200, `ignored ${sns.Type}`);
      let alarm: Record<string, unknown> | undefined;
      try {
        alarm = JSON.parse(sns.Message) as Record<string, unknown>;
      } catch {
        alarm = undefined;
      }
      record = alarm === undefined ? undefined : fromCloudWatch(alarm, base, now);
    } else {
      if (source === "cloudflare" && isCloudflareTest(payload)) return answer(200, "test message received");
      record = PARSERS[source](payload, base, now);
    }
    if (record === undefined) return answer(400, `not a ${source} alert this relay can read`);
    return deliver(record, config, env, ctx);
  },

  /** Cron Trigger: ping every heartbeat receiver (a dead man's switch that pages when pings stop). */
  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const config = env[RELAY_BINDINGS.config.name] as RelayConfig | undefined;
    if (config === undefined) return;
    const failures: string[] = [];
    for (const [index, receiver] of config.receivers.entries()) {
      if (receiver.kind !== "heartbeat") continue;
      const secret = env[receiver.binding];
      const at = new Date().toISOString();
      const heartbeat: AlertRecord = {
        source: "cloudflare",
        id: "relay-heartbeat",
        state: "resolved",
        severity: "info",
        title: `${config.service}-${config.environment}-relay-heartbeat`,
        summary: "The alert relay is running.",
        at,
        environment: config.environment,
        service: config.service,
      };
      const ok = typeof secret === "string" && (await send(receiver, secret, heartbeat));
      if (!ok) failures.push(`${index}:${receiver.name}`);
    }
    // A failed ping fails the invocation: Workers observability shows it, and the switch pages when pings stop.
    if (failures.length > 0) throw new Error(`relay: heartbeat not delivered to ${failures.join(", ")}`);
  },
};

/** The token the caller presented: Cloudflare's header, Basic auth's password (GCP), or `?token=` (SNS, Azure). */
function presentedToken(request: Request, url: URL): string {
  const header = request.headers.get(CLOUDFLARE_SECRET_HEADER);
  if (header !== null) return header;
  const authorization = request.headers.get("authorization") ?? "";
  if (authorization.startsWith("Basic ")) {
    try {
      const decoded = atob(authorization.slice(6).trim());
      const colon = decoded.indexOf(":");
      if (colon >= 0 && decoded.slice(0, colon) === GCP_BASIC_USER) return decoded.slice(colon + 1);
    } catch {
      return "";
    }
  }
  return url.searchParams.get(TOKEN_PARAM) ?? "";
}

/** Compares digests of both, byte by byte without an early exit: the time taken says nothing about the token. */
async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0 && presented.length > 0;
}

/** Delivers to every receiver that has not had this (source, id, state) within the window. */
async function deliver(record: AlertRecord, config: RelayConfig, env: Env, ctx: ExecutionContext): Promise<Response> {
  const cache = edgeCache();
  const results = await Promise.all(
    config.receivers
      .filter((receiver) => receiver.kind !== "heartbeat")
      .map(async (receiver): Promise<"sent" | "duplicate" | "failed"> => {
        const key = await dedupeKey(receiver, record);
        if ((await cache.match(key)) !== undefined) return "duplicate";
        const secret = env[receiver.binding];
        if (typeof secret !== "string" || secret === "") {
          console.error(`relay: receiver ${receiver.name} has no ${receiver.binding} secret`);
          return "failed";
        }
        if (!(await send(receiver, secret, record))) return "failed";
        const remember = cache.put(
          key,
          new Response("delivered", { headers: { "cache-control": `max-age=${config.dedupeSeconds}` } }),
        );
        ctx.waitUntil(remember);
        await remember;
        return "sent";
      }),
  );
  const count = (what: string) => results.filter((r) => r === what).length;
  const summary = `${record.source} ${record.state} ${record.title}: sent ${count("sent")}, duplicate ${count("duplicate")}, failed ${count("failed")}`;
  console.log(`relay: ${summary}`);
  // 503, not 502: Azure action groups retry a webhook on 408, 429, 503 and 504 only; SNS and GCP on any 5xx.
  return answer(count("failed") > 0 ? 503 : 200, summary);
}

/** One request to a receiver; true on 2xx. The URL and key never reach a log line. */
async function send(receiver: RelayReceiver, secret: string, record: AlertRecord): Promise<boolean> {
  const delivery = deliveryFor(receiver, secret, record);
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(delivery.body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (!response.ok) console.error(`relay: receiver ${receiver.name} (${receiver.kind}) answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.error(`relay: receiver ${receiver.name} (${receiver.kind}) unreachable: ${(error as Error).name}`);
    return false;
  }
}

/** A cache key per receiver and (source, id, state): a retried or repeated notification is delivered once. */
async function dedupeKey(receiver: RelayReceiver, record: AlertRecord): Promise<string> {
  const text = JSON.stringify([receiver.name, record.source, record.id, record.state]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `https://relay.invalid/dedupe/${[...hash].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
