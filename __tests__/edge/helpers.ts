/**
 * Test rig for the router Worker: origin servers on 127.0.0.1 ephemeral ports
 * (node:http) and the bundled Worker running in workerd through Miniflare.
 *
 * Miniflare's default outbound network lets the Worker `fetch` any
 * http://127.0.0.1:<port>, and workerd sets `Host` from the URL it fetches, so
 * the origins see exactly what a cloud endpoint would (checked in the tests).
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { type Json, Miniflare } from "miniflare";
import { bundleWorker } from "../../lib/edge/bundle";
import { rankOrigins } from "../../lib/edge/worker/choose";
import {
  BINDINGS,
  COMPATIBILITY_DATE,
  type EdgeConfig,
  type EdgeOrigin,
  STICKY_COOKIE,
} from "../../lib/edge/worker/contract";
import { cookieKey, signCookie } from "../../lib/edge/worker/sticky";
import { ORIGIN_SECRET } from "../../lib/service";

/** What an origin saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

/** `ok` answers 200, `fail` answers 503, `hang` never answers; a function answers as it likes. */
export type Behaviour = "ok" | "fail" | "hang" | ((req: IncomingMessage, res: ServerResponse, body: string) => void);

export interface OriginServer {
  readonly id: string;
  /** http://127.0.0.1:<port><basePath> */
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * An origin that records every request. `ok` echoes the secret it received in
 * two response headers, as a careless workload might, so every test also
 * checks the edge strips it.
 */
export async function startOrigin(id: string, behaviour: Behaviour = "ok", basePath = ""): Promise<OriginServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer(recording(() => ({ id, behaviour, requests })));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    id,
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An origin's request handler: records the request in `current().requests`, then answers as `current().behaviour` says. */
function recording(
  current: () => { id: string; behaviour: Behaviour; requests: SeenRequest[] },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const { id, behaviour, requests } = current();
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (behaviour === "hang") return;
      if (typeof behaviour === "function") return behaviour(req, res, body);
      const secret = String(req.headers[ORIGIN_SECRET.header] ?? "");
      res.writeHead(behaviour === "ok" ? 200 : 503, {
        "content-type": "application/json",
        [ORIGIN_SECRET.header]: secret,
        "x-debug-echo": `received ${secret}`,
      });
      res.end(JSON.stringify({ origin: id, method: req.method, path: req.url, host: req.headers.host, body }));
    });
  };
}

/** A URL nothing listens on: the port was bound, then released. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export const TEST_SECRET = "test-origin-secret-0123456789abcdefghijklmnopqrstuv";
export const TEST_STICKY_KEY = "test-sticky-key-current-0123456789abcdefghijklmnopqrstuv";
export const TEST_STICKY_KEY_PREVIOUS = "test-sticky-key-previous-0123456789abcdefghijklmnopqrstu";
export const EDGE_BASE = "https://api.test.example.net";
/** The edge's configured public host: the only `X-Forwarded-Host` origins may see. */
export const PUBLIC_HOST = new URL(EDGE_BASE).host;

/** A request whose body is sent piece by piece: `chunks` written `delayMs` apart, chunked unless a length is given. */
export interface StreamedRequest {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly chunks: number;
  readonly chunkBytes: number;
  readonly delayMs?: number;
}

export interface EdgeUnderTest {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Sends a streamed body; resolves with the status once the response arrives (the upload may be cut short). */
  stream(path: string, request: StreamedRequest): Promise<{ status: number; body: string }>;
  /** Everything the Worker wrote to stdout and stderr so far. */
  logs(): string;
  /**
   * The logs once they hold `text`, or as they are after `timeoutMs`: workerd's log lines reach
   * this process over a pipe, after the response (on a loaded machine, noticeably after).
   */
  logsOnceContaining(text: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** The bundled Worker in workerd, with bindings given as Miniflare values (json -> object, secret_text -> string). */
export async function startEdgeWithBindings(bindings: Record<string, unknown>): Promise<EdgeUnderTest> {
  let logs = "";
  const mf = new Miniflare({
    modules: true,
    script: bundleWorker().code,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: bindings as Record<string, Json>,
    // Captured, not printed: tests read them (the secret must never be logged).
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      logs += `${level}: ${message}\n`;
    },
  });
  const runtime = await mf.ready;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    fetch: (path, init) => request(agent, runtime, path, init),
    stream: (path, streamed) => streamWithRetry(runtime, path, streamed),
    logs: () => logs,
    logsOnceContaining: (text, timeoutMs) => logsOnceContaining(() => logs, text, timeoutMs),
    close: async () => {
      agent.destroy();
      await mf.dispose();
    },
  };
}

/** The request header naming the bindings a request runs with; the harness removes it before the Worker sees it. */
const BINDINGS_HEADER = "x-edge-test-bindings";
/** Where the Analytics Engine recorder writes each data point: a log line `AE_POINT <handle> <json>`. */
const AE_POINT = "AE_POINT";

/**
 * A harness Worker in front of the bundled Worker, in the same workerd: it calls the Worker's own
 * `fetch` with the bindings the request names (base64 JSON, decoded once per distinct value, so the
 * Worker sees the same binding objects request after request, as deployed), minus the naming header.
 * One workerd then serves any number of binding sets; a new set costs nothing (a workerd start is
 * ~0.4 s of CPU, and Miniflare's setOptions restarts it). Each handle names its own set, so the
 * Worker validates (and logs problems of) each test's bindings afresh. The Analytics Engine dataset,
 * when asked for, is a recorder standing in for Cloudflare's (Miniflare's own simulator drops the
 * points): it logs each point with the handle's number, so a test reads only its own points.
 */
const HARNESS = `import edge from "./edge.mjs";
const envs = new Map();
export default {
  fetch(request, env, ctx) {
    const named = request.headers.get("${BINDINGS_HEADER}");
    if (named === null) return new Response("no bindings named", { status: 500 });
    let bound = envs.get(named);
    if (bound === undefined) {
      const { bindings, analytics, handle } = JSON.parse(atob(named));
      const recorder = {
        writeDataPoint(point) { console.log("${AE_POINT} " + handle + " " + JSON.stringify(point)); },
      };
      bound = analytics === undefined ? bindings : { ...bindings, [analytics]: recorder };
      envs.set(named, bound);
    }
    const headers = new Headers(request.headers);
    headers.delete("${BINDINGS_HEADER}");
    return edge.fetch(new Request(request, { headers }), bound, ctx);
  },
};`;

/** The Worker as bound by EdgeHarness.withBindings, with the data points it wrote to its dataset. */
export interface HarnessedEdge extends EdgeUnderTest {
  /** The Analytics Engine points written so far (always none without the binding). */
  points(): unknown[];
}

/** One workerd running the bundled Worker behind the harness; `withBindings` gives the Worker as bound with those. */
export interface EdgeHarness {
  /** `analytics`: the Worker gets an Analytics Engine binding, a recorder (see `points`). */
  withBindings(bindings: Record<string, unknown>, analytics?: boolean): HarnessedEdge;
  close(): Promise<void>;
}

export async function startEdgeHarness(): Promise<EdgeHarness> {
  let logs = "";
  const mf = new Miniflare({
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      logs += `${level}: ${message}\n`;
    },
    modules: [
      { type: "ESModule", path: "harness.mjs", contents: HARNESS },
      { type: "ESModule", path: "edge.mjs", contents: bundleWorker().code },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
  });
  const runtime = await mf.ready;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let handles = 0;
  return {
    withBindings: (bindings, analytics = false) => {
      const handle = ++handles;
      const named = Buffer.from(
        JSON.stringify({ bindings, analytics: analytics ? BINDINGS.analytics.name : undefined, handle }),
      ).toString("base64");
      const from = logs.length;
      const ownLogs = () => logs.slice(from);
      const marker = `${AE_POINT} ${handle} `;
      return {
        points: () =>
          ownLogs()
            .split("\n")
            .flatMap((line) =>
              line.includes(marker) ? [JSON.parse(line.slice(line.indexOf(marker) + marker.length))] : [],
            ),
        fetch: (path, init = {}) => {
          const headers = new Headers(init.headers);
          headers.set(BINDINGS_HEADER, named);
          return request(agent, runtime, path, { ...init, headers });
        },
        stream: (path, streamed) =>
          streamWithRetry(runtime, path, { ...streamed, headers: { ...streamed.headers, [BINDINGS_HEADER]: named } }),
        logs: ownLogs,
        logsOnceContaining: (text, timeoutMs) => logsOnceContaining(ownLogs, text, timeoutMs),
        close: async () => {},
      };
    },
    close: async () => {
      agent.destroy();
      await mf.dispose();
    },
  };
}

async function logsOnceContaining(logs: () => string, text: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!logs().includes(text) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  return logs();
}

/**
 * One request to the Worker over a keep-alive node:http connection, as the
 * client at `${EDGE_BASE}${path}`. Miniflare's dispatchFetch does the same
 * through undici's fetch, which costs ~5 ms a request on this machine against
 * ~1 ms here; the URL travels in the MF-Original-URL header, exactly as
 * dispatchFetch sends it.
 */
function request(agent: Agent, runtime: URL, path: string, init: RequestInit = {}): Promise<Response> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
  headers["mf-original-url"] = `${EDGE_BASE}${path}`;
  headers["mf-disable-pretty-error"] = "true";
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL(path, runtime), { method, headers, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("error", reject);
      incoming.on("end", () => {
        const responseHeaders = new Headers();
        const raw = incoming.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i], raw[i + 1]);
        const status = incoming.statusCode ?? 0;
        const empty = method === "HEAD" || status === 204 || status === 304;
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    outgoing.on("error", reject);
    outgoing.end(typeof init.body === "string" ? init.body : undefined);
  });
}

/**
 * A server that answers early (413) and closes with the upload unread resets the
 * connection; when that reset reaches the client before it has read the answer,
 * the kernel drops the answer (a TCP race, not the Worker's behaviour). Such an
 * attempt is repeated, a bounded number of times.
 */
async function streamWithRetry(
  runtime: URL,
  path: string,
  streamed: StreamedRequest,
): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await streamRequest(runtime, path, streamed);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== "ECONNRESET" && code !== "EPIPE")) throw error;
    }
  }
}

function streamRequest(
  runtime: URL,
  path: string,
  streamed: StreamedRequest,
): Promise<{ status: number; body: string }> {
  const headers = { ...streamed.headers, "mf-original-url": `${EDGE_BASE}${path}`, "mf-disable-pretty-error": "true" };
  return new Promise((resolve, reject) => {
    let answered = false;
    // A fresh connection: an upload cut short must not poison a shared keep-alive socket.
    const outgoing = httpRequest(
      new URL(path, runtime),
      { method: streamed.method, headers, agent: false },
      (incoming) => {
        answered = true;
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () => {
          outgoing.destroy();
          resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    // The server may answer and close before the whole body is sent: that is the point of some tests.
    outgoing.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(streamed.chunkBytes, 120);
    let sent = 0;
    const next = () => {
      if (answered || outgoing.destroyed) return;
      if (sent === streamed.chunks) return void outgoing.end();
      sent++;
      const flushed = outgoing.write(chunk);
      // Always paced a little: a client writing flat out can meet the server's reset (it answers
      // and closes with the rest unread) before it reads the answer, which is what the tests check.
      if (flushed) setTimeout(next, streamed.delayMs ?? 2);
      else outgoing.once("drain", () => setTimeout(next, streamed.delayMs ?? 2));
    };
    next();
  });
}

export interface EdgeOptions {
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly stickyHeader?: string;
  /** null: no secret binding at all. */
  readonly secret?: string | null;
  /** @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** @default 10000 */
  readonly deadlineMs?: number;
  /** STICKY_KEY and STICKY_KEY_PREVIOUS. @default [TEST_STICKY_KEY] */
  readonly stickyKeys?: readonly string[];
  /** EdgeConfig.debugHeaders; on by default here, so tests can see which origin served. @default true */
  readonly debugHeaders?: boolean;
}

/** Starts the Worker routing to `origins` with `weights` (by origin id, default 1 each). */
export function startEdge(
  origins: readonly { id: string; url: string; weight?: number }[],
  options: EdgeOptions = {},
): Promise<EdgeUnderTest> {
  return startEdgeWithBindings(edgeBindings(origins, options));
}

/** The Worker's bindings for `origins` and `options`, as Miniflare values. */
function edgeBindings(
  origins: readonly { id: string; url: string; weight?: number }[],
  options: EdgeOptions,
): Record<string, unknown> {
  const config: EdgeConfig = {
    origins: origins.map((o): EdgeOrigin => ({ id: o.id, url: o.url, weight: o.weight ?? 1 })),
    timeoutMs: options.timeoutMs ?? 2000,
    maxAttempts: options.maxAttempts ?? 6,
    ...(options.stickyHeader === undefined ? {} : { stickyHeader: options.stickyHeader }),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    deadlineMs: options.deadlineMs ?? 10_000,
    publicHost: PUBLIC_HOST,
    ...(options.debugHeaders === false ? {} : { debugHeaders: true }),
  };
  const secret = options.secret === undefined ? TEST_SECRET : options.secret;
  const [stickyKey, previous] = options.stickyKeys ?? [TEST_STICKY_KEY];
  return {
    [BINDINGS.config.name]: config,
    ...(secret === null ? {} : { [BINDINGS.originSecret.name]: secret }),
    [BINDINGS.stickyKey.name]: stickyKey,
    ...(previous === undefined ? {} : { [BINDINGS.stickyKeyPrevious.name]: previous }),
  };
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Every response header, for "the secret appears nowhere" checks. */
export function headerText(response: Response): string {
  return [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
}

/** A routing cookie id whose ranking starts with `ids` (in order), found with the Worker's own code. */
export function cookieRanking(
  origins: readonly { id: string; url: string; weight?: number }[],
  ...ids: string[]
): string {
  const weighted = origins.map((o) => ({ ...o, weight: o.weight ?? 1 }));
  for (let i = 0; i < 100_000; i++) {
    const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
    const ranked = rankOrigins(weighted, cookieKey(id)).map((o) => o.id);
    if (ids.every((want, n) => ranked[n] === want)) return id;
  }
  throw new Error(`no cookie ranks ${ids.join(", ")} first`);
}

/** The `cookie` header of a client holding the routing cookie the Worker issued for `id` (signed with `key`). */
export async function signedCookieHeader(id: string, key = TEST_STICKY_KEY): Promise<{ cookie: string }> {
  return { cookie: `${STICKY_COOKIE}=${await signCookie(id, key)}` };
}

/** The harness every file in this module registry shares (a fast-tier suite is one jest file), and how many files use it. */
let shared: { harness?: Promise<EdgeHarness>; users: number } = { users: 0 };

/**
 * The harness, started by the first call and shared by every file that calls sharedHarness in the
 * same jest file; disposed after the last of those files' tests, even when one failed.
 */
export function sharedHarness(): () => Promise<EdgeHarness> {
  shared.users++;
  afterAll(async () => {
    if (--shared.users > 0) return;
    const { harness } = shared;
    shared = { users: 0 };
    // A harness that failed to start failed its tests already.
    const started = await Promise.allSettled(harness === undefined ? [] : [harness]);
    await Promise.all(started.flatMap((h) => (h.status === "fulfilled" ? [h.value.close()] : [])));
  });
  return () => {
    shared.harness ??= startEdgeHarness();
    return shared.harness;
  };
}

/**
 * `origin` and `edge` starters whose servers are closed after each test, even
 * when it fails. Call once at the top of a test file.
 */
export function closedAfterEach(): { origin: typeof startOrigin; edge: typeof startEdge } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((close) => close()));
  });
  return {
    origin: async (...args) => {
      const server = await startOrigin(...args);
      cleanups.push(server.close);
      return server;
    },
    edge: async (...args) => {
      const worker = await startEdge(...args);
      cleanups.push(worker.close);
      return worker;
    },
  };
}

/** A loopback origin started once per test file; each test gives it an id, a behaviour and a fresh request log. */
interface Slot {
  readonly server: Server;
  readonly port: number;
  id: string;
  behaviour: Behaviour;
  requests: SeenRequest[];
  /** Closed for the current test (a refused connection); listens again on the same port after it. */
  refusing: boolean;
}

async function startSlot(): Promise<Slot> {
  const slot = { id: "", behaviour: "hang" as Behaviour, requests: [] as SeenRequest[], refusing: false };
  const server = createServer(recording(() => slot));
  // Idle connections stay open for the file: a server closing one as workerd reuses it would fail a request.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(slot, { server, port: (server.address() as AddressInfo).port });
}

function slotOrigin(slot: Slot, basePath: string): OriginServer {
  return {
    id: slot.id,
    url: `http://127.0.0.1:${slot.port}${basePath}`,
    // This test's log: the next test gives the slot a new array.
    requests: slot.requests,
    close: async () => {},
  };
}

/**
 * `origin` and `edge` starters like closedAfterEach's, for files with many tests: a Miniflare start is
 * ~1 s wall and ~0.4 s CPU, and changing a running one's options restarts workerd. So `edge` gives the
 * Worker bound as the test asks through the shared harness (sharedHarness): one workerd for them all.
 * Origins are loopback slots started once per file (the n-th origin a test asks for is slot n, on the
 * same port in every test). Each test sees only its own requests and logs. Nothing the Worker keeps
 * between requests depends on the client: its module state is the parsed bindings (re-read when they
 * change) and imported sticky keys (by key) (lib/edge/worker/env.ts, sticky.ts).
 * `refused` is the next slot closed for the test: a connection refused at a bound URL.
 */
export function sharedPerFile(): {
  origin: typeof startOrigin;
  edge: typeof startEdge;
  refused(id: string, basePath?: string): Promise<OriginServer>;
} {
  const starting: Promise<Slot>[] = [];
  const harness = sharedHarness();
  let used = 0;
  // Slot n is fixed by call order (taken synchronously), so concurrent `origin` calls get the same ports every test.
  const nextSlot = async (id: string, behaviour: Behaviour): Promise<Slot> => {
    const n = used++;
    starting[n] ??= startSlot();
    return Object.assign(await starting[n], { id, behaviour, requests: [] });
  };
  afterEach(async () => {
    used = 0;
    for (const slot of await Promise.all(starting)) {
      slot.behaviour = "hang";
      if (!slot.refusing) continue;
      slot.refusing = false;
      await new Promise<void>((resolve, reject) => {
        slot.server.once("error", reject);
        slot.server.listen(slot.port, "127.0.0.1", () => {
          slot.server.off("error", reject);
          resolve();
        });
      });
    }
  });
  afterAll(async () => {
    const slots = await Promise.all(starting);
    await Promise.all([
      ...slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            slot.server.closeAllConnections();
            slot.server.close(() => resolve());
          }),
      ),
    ]);
  });
  return {
    origin: async (id, behaviour = "ok", basePath = "") => slotOrigin(await nextSlot(id, behaviour), basePath),
    refused: async (id, basePath = "") => {
      const slot = await nextSlot(id, "hang");
      slot.refusing = true;
      slot.server.closeAllConnections();
      await new Promise<void>((resolve) => slot.server.close(() => resolve()));
      return slotOrigin(slot, basePath);
    },
    edge: async (origins, options = {}) => {
      return (await harness()).withBindings(edgeBindings(origins, options));
    },
  };
}
