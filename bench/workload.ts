/**
 * `npm run bench:workload`: measures the workload's targets from issue 3 and
 * prints them (plus bench/results/workload.json):
 *   - each function zip <= 1 MB,
 *   - importing the Lambda bundle in a fresh Node process <= 100 ms,
 *   - the whole contract suite (jest, five adapters) <= 20 s.
 * A measurement, not a test: timings depend on the machine and its load.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unzipSync } from "fflate";
import { buildFunctionBundle, LAMBDA_HANDLER } from "../app/build/bundles";

const ROOT = resolve(__dirname, "..");
const RUNS = 15;
const LIMITS = { zipBytes: 1024 * 1024, lambdaImportMs: 100, contractSuiteMs: 20_000 };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const verdict = (ok: boolean): string => (ok ? "ok" : "OVER");

function bundleSizes() {
  return (["aws", "azure", "gcp"] as const).map((cloud) => {
    const bundle = buildFunctionBundle(cloud, { cache: false });
    const files = unzipSync(new Uint8Array(readFileSync(bundle.path)));
    const unzipped = Object.values(files).reduce((sum, bytes) => sum + bytes.byteLength, 0);
    return { cloud, zipBytes: statSync(bundle.path).size, unzippedBytes: unzipped, path: bundle.path };
  });
}

/** Each run is a new Node process: the import is as cold as a Lambda init (minus the runtime's own start). */
function lambdaColdImport(zipPath: string) {
  const dir = mkdtempSync(join(tmpdir(), "bench-lambda-"));
  try {
    for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(readFileSync(zipPath))))) {
      writeFileSync(join(dir, name), bytes);
    }
    const [file, exported] = LAMBDA_HANDLER.split(".");
    const probe = `
      const t0 = process.hrtime.bigint();
      const mod = require(${JSON.stringify(join(dir, `${file}.js`))});
      const t1 = process.hrtime.bigint();
      mod[${JSON.stringify(exported)}]({
        version: "2.0", routeKey: "$default", rawPath: "/", rawQueryString: "", headers: { host: "bench" },
        requestContext: { http: { method: "GET", path: "/", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
          domainName: "bench", requestId: "bench", routeKey: "$default", stage: "$default", timeEpoch: 0 },
        isBase64Encoded: false,
      }, {}).then((r) => {
        const t2 = process.hrtime.bigint();
        if (r.statusCode !== 200) process.exit(2);
        process.stderr.write(JSON.stringify({ importMs: Number(t1 - t0) / 1e6, firstRequestMs: Number(t2 - t1) / 1e6 }));
      });`;
    const runs = Array.from({ length: RUNS }, () => {
      // The workload's log line goes to stdout; the figures to stderr.
      const child = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", env: { AWS_REGION: "eu-west-1" } });
      if (child.status !== 0) throw new Error(`Lambda probe failed: ${child.stderr}`);
      return JSON.parse(child.stderr) as { importMs: number; firstRequestMs: number };
    });
    return {
      runs: RUNS,
      importMsMedian: median(runs.map((r) => r.importMs)),
      importMsMax: Math.max(...runs.map((r) => r.importMs)),
      firstRequestMsMedian: median(runs.map((r) => r.firstRequestMs)),
    };
  } finally {
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
  const result = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numTotalTests: number;
    testResults: { startTime: number; endTime: number }[];
  };
  rmSync(join(report, ".."), { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`contract suite failed:\n${child.stderr}`);
  const suite = result.testResults[0];
  return {
    tests: `${result.numPassedTests}/${result.numTotalTests}`,
    suiteMs: suite.endTime - suite.startTime,
    wallMsIncludingJestStart: wallMs,
  };
}

const USAGE = `Usage: npm run bench:workload

Measures the workload's targets: each function zip (at most 1 MB), importing
the Lambda bundle in a fresh Node process (at most 100 ms), the contract suite
(at most 20 s). Prints them and writes bench/results/workload.json.`;

function main(): void {
  const sizes = bundleSizes();
  const lambda = lambdaColdImport(sizes[0].path);
  const contract = contractSuite();

  for (const s of sizes) {
    console.log(
      `bundle ${s.cloud.padEnd(5)} ${(s.zipBytes / 1024).toFixed(1).padStart(7)} KB zipped (${(s.unzippedBytes / 1024).toFixed(1)} KB unzipped)  limit 1024 KB  ${verdict(s.zipBytes <= LIMITS.zipBytes)}`,
    );
  }
  console.log(
    `lambda cold import  median ${lambda.importMsMedian.toFixed(1)} ms, max ${lambda.importMsMax.toFixed(1)} ms over ${lambda.runs} fresh processes  limit ${LIMITS.lambdaImportMs} ms  ${verdict(lambda.importMsMedian <= LIMITS.lambdaImportMs)}  (first request ${lambda.firstRequestMsMedian.toFixed(1)} ms)`,
  );
  console.log(
    `contract suite      ${contract.tests} tests in ${(contract.suiteMs / 1000).toFixed(1)} s (${(contract.wallMsIncludingJestStart / 1000).toFixed(1)} s with jest start)  limit 20 s  ${verdict(contract.wallMsIncludingJestStart <= LIMITS.contractSuiteMs)}`,
  );

  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    join(ROOT, "bench", "results", "workload.json"),
    `${JSON.stringify({ sizes: sizes.map(({ path: _, ...rest }) => rest), lambda, contract }, null, 2)}\n`,
  );
}

if (process.argv.includes("--help") || process.argv.includes("-h")) console.log(USAGE);
else main();
