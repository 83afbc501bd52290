/**
 * The container's entry point (bundled to dist/container/server.js): serves
 * the workload on `PORT` (default SERVICE.containerPort). On SIGTERM/SIGINT it
 * stops accepting connections, lets in-flight requests finish and exits 0;
 * requests still open after DRAIN_TIMEOUT_MS are cut and it exits 1.
 */
import { startServer } from "./node-server";

function logLine(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), severity: "INFO", ...fields }));
}

async function main(): Promise<void> {
  const running = await startServer();
  logLine({ msg: "listening", port: running.port });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logLine({ msg: "draining", signal });
    const drained = await running.close();
    logLine({ msg: "stopped", drained });
    process.exit(drained ? 0 : 1);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ severity: "ERROR", msg: "failed to start", error: String(error) }));
  process.exit(1);
});
