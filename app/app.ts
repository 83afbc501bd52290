/**
 * The workload: one Web-standard fetch application, served unchanged by every
 * adapter in app/adapters/. A fork replaces its routes here.
 */
import { Hono } from "hono";

export interface RuntimeInfo {
  /** aws | azure | gcp | cloudflare | local */
  readonly cloud: string;
  /** Region or location the instance runs in. */
  readonly region: string;
  /** function | container | edge */
  readonly target: "function" | "container" | "edge";
}

export function createApp(info: RuntimeInfo): Hono {
  const app = new Hono();
  app.get("/", (c) => c.json({ service: "hello", version: "1.0.0", ...info }));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: "not found", path: new URL(c.req.url).pathname }, 404));
  return app;
}
