/**
 * `npm run build:app`: writes every function zip (dist/functions), the
 * container files (dist/container, what the Dockerfile copies) and the Worker
 * module (dist/worker), and prints sizes and hashes.
 */
import { statSync } from "node:fs";
import { relative } from "node:path";
import { buildContainer, buildFunctionBundle, FUNCTION_CLOUDS, writeWorkerScript } from "./bundles";

const row = (name: string, path: string, detail = ""): string =>
  `${name.padEnd(20)} ${(statSync(path).size / 1024).toFixed(1).padStart(7)} KB  ${relative(process.cwd(), path)}${detail}`;

const USAGE = `Usage: npm run build:app

Writes every function zip (dist/functions), the container files
(dist/container, what the Dockerfile copies) and the Worker module
(dist/worker), and prints sizes and hashes. Exit 1 when a build fails.`;

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(USAGE);
} else {
  try {
    for (const cloud of FUNCTION_CLOUDS) {
      // Always rebuild here: build:app is the explicit "from sources" step (synth uses the cache).
      const bundle = buildFunctionBundle(cloud, { cache: false });
      console.log(row(`function ${cloud}`, bundle.path, `  sha256 ${bundle.sha256.slice(0, 16)}`));
    }
    const container = buildContainer();
    console.log(row("container server", container.server));
    console.log(row("container health", container.healthcheck));
    console.log(row("worker", writeWorkerScript()));
  } catch (error) {
    console.error(`build:app failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
