/**
 * The workload on a plain Node HTTP server, for the container (see
 * container.ts for the process around it).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "../app";
import { containerPlatform, containerPort, type EnvVars, workloadOptions } from "../runtime";

/** Below Cloud Run's 10 s between SIGTERM and SIGKILL (ECS and Container Apps give 30 s). */
export const DRAIN_TIMEOUT_MS = 8_000;

export interface RunningServer {
  readonly server: Server;
  /** The port actually bound (useful with PORT=0). */
  readonly port: number;
  /** Stops accepting, waits for in-flight requests (at most `drainTimeoutMs`); resolves true when they all finished. */
  close(drainTimeoutMs?: number): Promise<boolean>;
}

export function startServer(env: EnvVars = process.env): Promise<RunningServer> {
  const workload = createApp(workloadOptions(env, containerPlatform(env)));
  const listener = getRequestListener(workload.fetch);
  let closing = false;
  const server = createServer((req, res) => {
    // While draining, end keep-alive connections after their current response...
    if (closing) res.setHeader("connection", "close");
    // ...including those whose request started before SIGTERM.
    res.once("finish", () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    void listener(req, res);
  });
  const port = containerPort(env);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: (drainTimeoutMs = DRAIN_TIMEOUT_MS) =>
          new Promise<boolean>((done) => {
            closing = true;
            const timer = setTimeout(() => {
              server.closeAllConnections();
              done(false);
            }, drainTimeoutMs);
            server.close(() => {
              clearTimeout(timer);
              done(true);
            });
            // Keep-alive connections with no request in flight would otherwise hold close() open.
            server.closeIdleConnections();
          }),
      });
    });
  });
}
