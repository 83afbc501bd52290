/**
 * Google Cloud Functions (2nd gen) through the Functions Framework: HTTP
 * function GCP_ENTRY_POINT.
 *
 * The framework's Express app runs body parsers (limit 1024 MB, gzip inflated)
 * before any handler, so a stranger's body would be held whole before the
 * origin secret is checked. Node publishes `http.server.request.start` before
 * the server hands a request to Express: there the adapter hides the body
 * headers, so every parser skips the body (body-parser reads only requests
 * that declare one), and puts them back for the workload, which reads the
 * untouched stream after its secret check, bounded by its body limit.
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { http } from "@google-cloud/functions-framework";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "../app";
import { GCP_ENTRY_POINT } from "../contract";
import { workloadOptions } from "../runtime";

/** The headers that tell a parser a request has a body (type-is `hasBody`). */
const BODY_HEADERS = ["content-length", "transfer-encoding"] as const;
const held = new WeakMap<IncomingMessage, Partial<Record<(typeof BODY_HEADERS)[number], string>>>();

// https://nodejs.org/api/diagnostics_channel.html#http (published synchronously, before the `request` event).
subscribe("http.server.request.start", (message) => {
  const { request } = message as { request: IncomingMessage };
  const headers: Partial<Record<(typeof BODY_HEADERS)[number], string>> = {};
  for (const name of BODY_HEADERS) {
    const value = request.headers[name];
    if (value === undefined) continue;
    headers[name] = value;
    delete request.headers[name];
  }
  held.set(request, headers);
});

// Gen 2 sets no region variable: the target passes REGION.
const workload = createApp(workloadOptions(process.env, { cloud: "gcp", target: "function" }));
const listener = getRequestListener(workload.fetch);

http(GCP_ENTRY_POINT, (req, res) => {
  Object.assign(req.headers, held.get(req));
  return listener(req, res);
});
