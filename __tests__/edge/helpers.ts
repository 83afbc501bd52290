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
import { BINDINGS, COMPATIBILITY_DATE, type EdgeConfig, type EdgeOrigin } from "../../lib/edge/worker/contract";
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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
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
  });
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

/** A URL nothing listens on: the port was bound, then released. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export const TEST_SECRET = "test-origin-secret-0123456789abcdefghijklmnopqrstuv";
export const EDGE_BASE = "https://api.test.example.net";

export interface EdgeUnderTest {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Everything the Worker wrote to stdout and stderr so far. */
  logs(): string;
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
    logs: () => logs,
    close: async () => {
      agent.destroy();
      await mf.dispose();
    },
  };
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

export interface EdgeOptions {
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly stickyHeader?: string;
  /** null: no secret binding at all. */
  readonly secret?: string | null;
}

/** Starts the Worker routing to `origins` with `weights` (by origin id, default 1 each). */
export function startEdge(
  origins: readonly { id: string; url: string; weight?: number }[],
  options: EdgeOptions = {},
): Promise<EdgeUnderTest> {
  const config: EdgeConfig = {
    origins: origins.map((o): EdgeOrigin => ({ id: o.id, url: o.url, weight: o.weight ?? 1 })),
    timeoutMs: options.timeoutMs ?? 2000,
    maxAttempts: options.maxAttempts ?? 6,
    ...(options.stickyHeader === undefined ? {} : { stickyHeader: options.stickyHeader }),
  };
  const secret = options.secret === undefined ? TEST_SECRET : options.secret;
  return startEdgeWithBindings({
    [BINDINGS.config.name]: config,
    ...(secret === null ? {} : { [BINDINGS.originSecret.name]: secret }),
  });
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
