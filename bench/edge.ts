/**
 * Edge benchmark: `npm run bench:edge`. Not part of `npm test`.
 *
 * Measures the two targets of the router Worker:
 * - bundle size (target: at most 50 KB);
 * - added latency in workerd against a loopback origin (target: median at
 *   most 5 ms over 1,000 requests).
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
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { buildWorker } from "../lib/edge/bundle";
import { BINDINGS, COMPATIBILITY_DATE, STICKY_COOKIE } from "../lib/edge/worker/contract";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const WARMUP = 200;
const BUNDLE_LIMIT = 50 * 1024;
const LATENCY_LIMIT_MS = 5;

const PASS_THROUGH = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers });
  },
};`;

async function main(): Promise<number> {
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
    bindings: {
      [BINDINGS.config.name]: {
        origins: [{ id: "aws.function", url: originUrl, weight: 1 }],
        timeoutMs: 5000,
        maxAttempts: 3,
      },
      [BINDINGS.originSecret.name]: "bench-secret-a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0",
    },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // A returning client: it already has its routing cookie.
  const headers = { cookie: `${STICKY_COOKIE}=00000000-0000-4000-8000-000000000001` };
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

  console.log(
    `Worker bundle: ${bundle.bytes} bytes (${gzipped} gzipped), target <= ${BUNDLE_LIMIT}: ${verdict(bundleOk)}`,
  );
  console.log(`Latency over ${REQUESTS} requests per path (after ${WARMUP} warm-up), loopback origin:`);
  for (const name of Object.keys(paths)) {
    const s = samples[name];
    console.log(
      `  ${name.padEnd(20)} median ${fmt(quantile(s, 0.5))}  p95 ${fmt(quantile(s, 0.95))}  p99 ${fmt(quantile(s, 0.99))}`,
    );
  }
  console.log(
    `Added by the edge (router - direct): ${fmt(added)}, target <= ${LATENCY_LIMIT_MS} ms: ${verdict(latencyOk)}`,
  );
  console.log(`Router's own cost (router - pass-through Worker): ${fmt(own)}`);
  return bundleOk && latencyOk ? 0 : 1;
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

const USAGE = `Usage: npm run bench:edge

Measures the router Worker: bundle size (at most 50 KB) and added latency in
workerd against a loopback origin (median at most 5 ms over BENCH_REQUESTS,
default 1000). Prints a table; exit 1 when a target is missed.`;

if (process.argv.includes("--help") || process.argv.includes("-h")) console.log(USAGE);
else
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
