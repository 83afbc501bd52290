/**
 * `npm run bench:workload`: measures the workload's targets from issues 3 and
 * 29 and prints them (plus bench/results/workload.json):
 *   - each function zip <= 1 MB, the Lambda's <= 50 KB,
 *   - importing the Lambda bundle in a fresh Node process <= 100 ms, its first
 *     request answered 200 with the origin secret read through a stand-in for
 *     AWS's Parameters and Secrets extension on 127.0.0.1,
 *   - the whole contract suite (jest, five adapters) <= 20 s.
 * Timings depend on the machine and its load, so they are reported, not
 * enforced; the exit status is 1 when a probe fails or a zip is over its size
 * limit, so the journeys tier can run it as a check.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { buildFunctionBundle, FUNCTION_CLOUDS, LAMBDA_HANDLER } from "../app/build/bundles";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { WORKLOAD_EXTRA_ENV } from "../app/contract";
import { ORIGIN_SECRET_LENGTH } from "../app/origin-secret";
import { ORIGIN_SECRET } from "../lib/service";
import { command, type Io, main } from "../tools/command";

const ROOT = REPOSITORY_ROOT;
const RUNS = 15;
const LIMITS = { zipBytes: 1024 * 1024, lambdaZipBytes: 50 * 1024, lambdaImportMs: 100, contractSuiteMs: 20_000 };
const zipLimit = (cloud: string): number => (cloud === "aws" ? LIMITS.lambdaZipBytes : LIMITS.zipBytes);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const verdict = (ok: boolean): string => (ok ? "ok" : "OVER");

function bundleSizes() {
  return FUNCTION_CLOUDS.map((cloud) => {
    const bundle = buildFunctionBundle(cloud, { cache: false });
    const files = unzipSync(new Uint8Array(readFileSync(bundle.path)));
    const unzipped = Object.values(files).reduce((sum, bytes) => sum + bytes.byteLength, 0);
    return { cloud, zipBytes: statSync(bundle.path).size, unzippedBytes: unzipped, path: bundle.path };
  });
}

/** The origin secret the stand-in extension hands out, and the parameter it is stored under. */
const PROBE_SECRET = "bench-origin-secret".padEnd(ORIGIN_SECRET_LENGTH, "0"); // as generated, or the workload refuses it
const PROBE_PARAMETER = "/bench/function/ORIGIN_SECRET";
const PROBE_SESSION_TOKEN = "bench-session-token";

/**
 * Stand-in for the Parameters and Secrets extension on 127.0.0.1: answers the
 * documented GET with the secret when the session token matches, 403 otherwise.
 */
async function startExtension() {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    const url = new URL(req.url ?? "/", "http://localhost");
    const ok =
      url.pathname === "/systemsmanager/parameters/get" &&
      url.searchParams.get("name") === PROBE_PARAMETER &&
      url.searchParams.get("withDecryption") === "true" &&
      req.headers["x-aws-parameters-secrets-token"] === PROBE_SESSION_TOKEN;
    res.writeHead(ok ? 200 : 403, { "content-type": "application/json" });
    res.end(
      JSON.stringify(ok ? { Parameter: { Name: PROBE_PARAMETER, Type: "SecureString", Value: PROBE_SECRET } } : {}),
    );
  });
  await new Promise<void>((done) => server.listen(0, "localhost", done));
  return {
    port: (server.address() as AddressInfo).port,
    calls: () => calls,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** One fresh Node process: time to import the handler, then one request with the origin secret. */
function probeOnce(
  file: string,
  exported: string,
  port: number,
): Promise<{ importMs: number; firstRequestMs: number }> {
  const probe = `
    const t0 = process.hrtime.bigint();
    const mod = require(${JSON.stringify(file)});
    const t1 = process.hrtime.bigint();
    mod[${JSON.stringify(exported)}]({
      version: "2.0", routeKey: "$default", rawPath: "/", rawQueryString: "",
      headers: { host: "bench", ${JSON.stringify(ORIGIN_SECRET.header)}: ${JSON.stringify(PROBE_SECRET)} },
      requestContext: { http: { method: "GET", path: "/", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
        domainName: "bench", requestId: "bench", routeKey: "$default", stage: "$default", timeEpoch: 0 },
      isBase64Encoded: false,
    }, {}).then((r) => {
      const t2 = process.hrtime.bigint();
      if (r.statusCode !== 200) { process.stderr.write("status " + r.statusCode + ": " + r.body); process.exit(2); }
      process.stderr.write(JSON.stringify({ importMs: Number(t1 - t0) / 1e6, firstRequestMs: Number(t2 - t1) / 1e6 }));
    });`;
  // Lambda's variables: the region, the session token the extension checks, the parameter's name.
  const env = {
    AWS_REGION: "eu-west-1",
    AWS_SESSION_TOKEN: PROBE_SESSION_TOKEN,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
    [WORKLOAD_EXTRA_ENV.originSecretParameter]: PROBE_PARAMETER,
  };
  return new Promise((resolve, reject) => {
    // The workload's log line goes to stdout; the figures to stderr.
    const child = spawn(process.execPath, ["-e", probe], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`Lambda probe failed (exit ${code}): ${stderr}`));
      else resolve(JSON.parse(stderr) as { importMs: number; firstRequestMs: number });
    });
  });
}

/** Each run is a new Node process: the import is as cold as a Lambda init (minus the runtime's own start). */
async function lambdaColdImport(zipPath: string) {
  const dir = mkdtempSync(join(tmpdir(), "bench-lambda-"));
  const extension = await startExtension();
  try {
    for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(zipPath))))) {
      writeFileSync(join(dir, name), bytes);
    }
    const [file, exported] = LAMBDA_HANDLER.split(".");
    const runs: { importMs: number; firstRequestMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await probeOnce(join(dir, `${file}.js`), exported, extension.port));
    // One read of the secret per cold start, none per request after it.
    if (extension.calls() !== RUNS) throw new Error(`expected ${RUNS} extension reads, saw ${extension.calls()}`);
    return {
      runs: RUNS,
      importMsMedian: median(runs.map((r) => r.importMs)),
      importMsMax: Math.max(...runs.map((r) => r.importMs)),
      firstRequestMsMedian: median(runs.map((r) => r.firstRequestMs)),
    };
  } finally {
    await extension.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function contractSuite() {
  const report = join(mkdtempSync(join(tmpdir(), "bench-jest-")), "report.json");
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules", "jest", "bin", "jest.js"),
      "__tests__/app/contract.test.ts",
      "--json",
      `--outputFile=${report}`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  const wallMs = Date.now() - started;
  // jest writes no report when its global teardown fails: its own message says why, not a missing file.
  const written = existsSync(report) ? readFileSync(report, "utf8") : undefined;
  rmSync(join(report, ".."), { recursive: true, force: true });
  if (child.status !== 0 || written === undefined) throw new Error(`contract suite failed:\n${child.stderr}`);
  const result = JSON.parse(written) as {
    numPassedTests: number;
    numTotalTests: number;
    testResults: { startTime: number; endTime: number }[];
  };
  const suite = result.testResults[0];
  return {
    tests: `${result.numPassedTests}/${result.numTotalTests}`,
    suiteMs: suite.endTime - suite.startTime,
    wallMsIncludingJestStart: wallMs,
  };
}

async function measureWorkload(io: Io): Promise<number> {
  const sizes = bundleSizes();
  const lambda = await lambdaColdImport(sizes[0].path);
  const contract = contractSuite();

  for (const s of sizes) {
    const limit = zipLimit(s.cloud);
    io.out(
      `bundle ${s.cloud.padEnd(5)} ${(s.zipBytes / 1024).toFixed(1).padStart(7)} KB zipped (${(s.unzippedBytes / 1024).toFixed(1)} KB unzipped)  limit ${limit / 1024} KB  ${verdict(s.zipBytes <= limit)}`,
    );
  }
  io.out(
    `lambda cold import  median ${lambda.importMsMedian.toFixed(1)} ms, max ${lambda.importMsMax.toFixed(1)} ms over ${lambda.runs} fresh processes  limit ${LIMITS.lambdaImportMs} ms  ${verdict(lambda.importMsMedian <= LIMITS.lambdaImportMs)}  (first request ${lambda.firstRequestMsMedian.toFixed(1)} ms)`,
  );
  io.out(
    `contract suite      ${contract.tests} tests in ${(contract.suiteMs / 1000).toFixed(1)} s (${(contract.wallMsIncludingJestStart / 1000).toFixed(1)} s with jest start)  limit 20 s  ${verdict(contract.wallMsIncludingJestStart <= LIMITS.contractSuiteMs)}`,
  );

  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    join(ROOT, "bench", "results", "workload.json"),
    `${JSON.stringify({ sizes: sizes.map(({ path: _, ...rest }) => rest), lambda, contract }, null, 2)}\n`,
  );
  return sizes.every((s) => s.zipBytes <= zipLimit(s.cloud)) ? 0 : 1;
}

export const benchWorkloadCommand = command({
  name: "bench:workload",
  summary: "Measure the workload's size and start-up targets",
  usage: "",
  description: `Measures the workload's targets: each function zip (at most 1 MB; the Lambda's
at most 50 KB), importing the Lambda bundle in a fresh Node process (at most
100 ms) and its first request with the origin secret read through a stand-in
for the Parameters and Secrets extension, the contract suite (at most 20 s).
Prints them and writes bench/results/workload.json.`,
  options: {},
  notes: `Exit status: 0 every probe passed; 1 a probe or the contract suite fails or a zip
is over its limit (timings are reported only); 2 bad usage.`,
  run: (_, io) => measureWorkload(io),
});

if (require.main === module) main(benchWorkloadCommand);
