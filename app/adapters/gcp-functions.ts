/** Google Cloud Functions (2nd gen) through the Functions Framework: entry point `workload`. */
import { http } from "@google-cloud/functions-framework";
import { createApp } from "../app";

const app = createApp({ cloud: "gcp", region: process.env.FUNCTION_REGION ?? "unknown", target: "function" });

http("workload", async (req, res) => {
  const url = new URL(req.originalUrl ?? req.url, `https://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : req.rawBody;
  const response = await app.fetch(new Request(url, { method: req.method, headers, body }));
  res.status(response.status);
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.send(Buffer.from(await response.arrayBuffer()));
});
