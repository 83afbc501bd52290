/**
 * Edge benchmark: `npm run bench:edge`. Not part of `npm test`.
 *
 * Measures the targets of the router Worker:
 * - bundle size (target: at most 50 KB);
 * - added latency in workerd against a loopback origin (target: median at
 *   most 5 ms over 1,000 requests);
 * - a bounded load run: 2,000 requests at concurrency 50, every method, new
 *   clients, against three loopback origins one of which answers 503
 *   (targets: no non-idempotent request retried, no 5xx from a healthy
 *   origin); its p50/p99 are recorded in BENCHMARKS.md with `--write`.
 *
 * Three paths are timed round-robin, so load from other processes hits them
 * alike: the client straight to the origin, through a one-line pass-through
 * Worker, and through the router. Router minus direct is the added latency
 * including Miniflare's own hop into workerd (the number checked against the
 * target); router minus pass-through is the router's own cost.
 * Prints a table and exits 1 when a target is missed.
 */

import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import { type Json, Miniflare } from "miniflare";
import { buildWorker } from "../lib/edge/bundle";
import { BINDINGS, COMPATIBILITY_DATE, type EdgeConfig, SERVED_BY_HEADER } from "../lib/edge/worker/contract";
import { isIdempotent } from "../lib/edge/worker/forward";
import { stickyCookie } from "../lib/edge/worker/sticky";
import { BODY_LIMIT } from "../lib/service";
import { booleanOption, command, type Io, main } from "../tools/command";
import { writeBenchmarksBlock } from "./benchmarks-file";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const LOAD_REQUESTS = 2000;
const LOAD_CONCURRENCY = 50;
const STICKY_KEY = "bench-sticky-key-a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0";
const SECRET = "bench-secret-a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"; // ORIGIN_SECRET_LENGTH or longer, or the Worker refuses it
const WARMUP = 200;
const BUNDLE_LIMIT = 50 * 1024;
const LATENCY_LIMIT_MS = 5;

const PASS_THROUGH = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers });
  },
};`;

/** The router's bindings for `origins`, as Terraform writes them. */
function routerBindings(origins: EdgeConfig["origins"]): Record<string, unknown> {
  const config: EdgeConfig = {
    origins,
    timeoutMs: 5000,
    maxAttempts: 3,
    maxBodyBytes: BODY_LIMIT.defaultBytes,
    deadlineMs: 15000,
    publicHost: "api.bench.example.net",
    // The bench counts which origin served each request.
    debugHeaders: true,
  };
  return {
    [BINDINGS.config.name]: config,
    [BINDINGS.originSecret.name]: SECRET,
    [BINDINGS.stickyKey.name]: STICKY_KEY,
  };
}

async function measureEdge(write: boolean, io: Io): Promise<number> {
  const bundle = buildWorker();
  const gzipped = gzipSync(bundle.code).byteLength;

  const origin = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"greeting":"world"}');
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

  const passThrough = new Miniflare({
    modules: true,
    script: PASS_THROUGH,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ORIGIN: originUrl },
  });
  const router = new Miniflare({
    modules: true,
    script: bundle.code,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: routerBindings([{ id: "aws.function", url: originUrl, weight: 1 }]) as Record<string, Json>,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // A returning client: it already has its (signed) routing cookie.
  const headers = {
    cookie: (await stickyCookie("00000000-0000-4000-8000-000000000001", STICKY_KEY)).split(";")[0],
  };
  const paths: Record<string, () => Promise<void>> = {
    direct: () => get(agent, new URL("/items?id=1", originUrl), headers),
    "pass-through Worker": async () => get(agent, new URL("/items?id=1", await passThrough.ready), edge(headers)),
    "router Worker": async () => get(agent, new URL("/items?id=1", await router.ready), edge(headers)),
  };

  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    for (const [name, send] of Object.entries(paths)) {
      const started = performance.now();
      await send();
      if (i >= WARMUP) samples[name].push(performance.now() - started);
    }
  }
  agent.destroy();
  await Promise.all([passThrough.dispose(), router.dispose()]);
  await new Promise<void>((resolve) => origin.close(() => resolve()));

  const median = (name: string) => quantile(samples[name], 0.5);
  const added = median("router Worker") - median("direct");
  const own = median("router Worker") - median("pass-through Worker");
  const bundleOk = bundle.bytes <= BUNDLE_LIMIT;
  const latencyOk = added <= LATENCY_LIMIT_MS;

  io.out(`Worker bundle: ${bundle.bytes} bytes (${gzipped} gzipped), target <= ${BUNDLE_LIMIT}: ${verdict(bundleOk)}`);
  io.out(`Latency over ${REQUESTS} requests per path (after ${WARMUP} warm-up), loopback origin:`);
  for (const name of Object.keys(paths)) {
    const s = samples[name];
    io.out(
      `  ${name.padEnd(20)} median ${fmt(quantile(s, 0.5))}  p95 ${fmt(quantile(s, 0.95))}  p99 ${fmt(quantile(s, 0.99))}`,
    );
  }
  io.out(`Added by the edge (router - direct): ${fmt(added)}, target <= ${LATENCY_LIMIT_MS} ms: ${verdict(latencyOk)}`);
  io.out(`Router's own cost (router - pass-through Worker): ${fmt(own)}`);

  const load = await loadRun(bundle.code);
  const loadOk = load.nonIdempotentRetries === 0 && load.healthy5xx === 0 && load.idempotentFailures === 0;
  const table = loadTable(load);
  io.out(`\n${table}`);
  io.out(`Load targets (no non-idempotent retry, no 5xx from a healthy origin): ${verdict(loadOk)}`);
  if (write) {
    writeBenchmarksBlock("edge", table);
    io.out("BENCHMARKS.md updated.");
  }
  return bundleOk && latencyOk && loadOk ? 0 : 1;
}

interface LoadResult {
  readonly seconds: number;
  readonly latencies: number[];
  readonly byStatus: Record<string, number>;
  readonly nonIdempotentSent: number;
  readonly nonIdempotentRetries: number;
  readonly healthy5xx: number;
  readonly idempotentFailures: number;
}

/** 2,000 requests at concurrency 50 through the router to two healthy origins and one answering 503. */
async function loadRun(code: string): Promise<LoadResult> {
  const received = new Map<string, number>();
  const servers = ["aws.function", "gcp.container", "azure.function"].map((id) => {
    const failing = id === "azure.function";
    return {
      id,
      server: createServer((req, res) => {
        received.set(req.method ?? "", (received.get(req.method ?? "") ?? 0) + 1);
        req.resume();
        req.on("end", () => {
          res.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
          res.end(`{"origin":"${id}"}`);
        });
      }),
    };
  });
  const origins = await Promise.all(
    servers.map(async ({ id, server }) => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { id, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, weight: 1 };
    }),
  );
  const router = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: routerBindings(origins) as Record<string, Json>,
  });
  const url = await router.ready;
  const agent = new Agent({ keepAlive: true, maxSockets: LOAD_CONCURRENCY });
  const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
  const results: { method: string; status: number; servedBy: string | null; ms: number }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LOAD_CONCURRENCY }, async () => {
      while (next < LOAD_REQUESTS) {
        const i = next++;
        const method = methods[i % methods.length];
        const body = method === "GET" || method === "DELETE" ? undefined : `{"n":${i}}`;
        const t = performance.now();
        const { status, servedBy } = await send(agent, url, method, `/load/${i}`, body);
        results.push({ method, status, servedBy, ms: performance.now() - t });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  await router.dispose();
  await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));

  const nonIdempotent = results.filter((r) => !isIdempotent(r.method));
  const nonIdempotentReceived = [...received].filter(([m]) => !isIdempotent(m)).reduce((n, [, c]) => n + c, 0);
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    seconds,
    latencies: results.map((r) => r.ms),
    byStatus,
    nonIdempotentSent: nonIdempotent.length,
    nonIdempotentRetries: nonIdempotentReceived - nonIdempotent.length,
    healthy5xx: results.filter((r) => r.status >= 500 && r.servedBy !== "azure.function").length,
    idempotentFailures: results.filter((r) => isIdempotent(r.method) && r.status !== 200).length,
  };
}

function send(
  agent: Agent,
  base: URL,
  method: string,
  path: string,
  body: string | undefined,
): Promise<{ status: number; servedBy: string | null }> {
  return new Promise((resolve, reject) => {
    const headers = { "mf-original-url": `https://api.bench.example.net${path}` };
    const req = httpRequest(new URL(path, base), { agent, method, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, servedBy: String(res.headers[SERVED_BY_HEADER] ?? "") }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

function loadTable(load: LoadResult): string {
  const statuses = Object.entries(load.byStatus)
    .map(([status, n]) => `${status}: ${n}`)
    .join(", ");
  return [
    `Machine: ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench:edge -- --write\`.`,
    "",
    "| load run | value |",
    "| --- | --- |",
    `| requests, concurrency | ${LOAD_REQUESTS}, ${LOAD_CONCURRENCY} (GET, POST, PUT, DELETE, PATCH in turn; new clients) |`,
    "| origins | 3 on 127.0.0.1, one answering 503 |",
    `| wall time | ${load.seconds.toFixed(1)} s (${Math.round(LOAD_REQUESTS / load.seconds)} requests/s) |`,
    `| latency p50 / p99 | ${fmt(quantile(load.latencies, 0.5))} / ${fmt(quantile(load.latencies, 0.99))} |`,
    `| statuses | ${statuses} |`,
    `| non-idempotent requests retried | ${load.nonIdempotentRetries} of ${load.nonIdempotentSent} |`,
    `| 5xx from a healthy origin | ${load.healthy5xx} |`,
    `| idempotent requests not answered 200 | ${load.idempotentFailures} |`,
  ].join("\n");
}

/** Headers that make Miniflare's entry hand the Worker the public URL, as dispatchFetch does. */
function edge(headers: Record<string, string>): Record<string, string> {
  return { ...headers, "mf-original-url": "https://api.bench.example.net/items?id=1" };
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url.href}: ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

export const benchEdgeCommand = command({
  name: "bench:edge",
  summary: "Measure the edge router Worker in workerd against loopback origins",
  usage: "[--write]",
  description: `Measures the edge router Worker in workerd (Miniflare) against loopback origins:
bundle size (at most 50 KB), added latency (median at most 5 ms over 1,000 requests,
BENCH_REQUESTS to change), and a bounded load run (2,000 requests at concurrency 50,
one origin failing).`,
  options: { write: booleanOption("record the load run's figures in BENCHMARKS.md (edge block)") },
  notes: "Exit status: 0 every target met; 1 a target is missed; 2 bad usage.",
  run: ({ values }, io) => measureEdge(values.write === true, io),
});

if (require.main === module) main(benchEdgeCommand);
