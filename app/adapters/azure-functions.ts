/**
 * Azure Functions, v4 Node programming model: one anonymous HTTP function
 * (AZURE_FUNCTION_NAME) with a catch-all route; host.json in the zip sets
 * `routePrefix` to "", so paths reach the workload unchanged.
 */
import { app as functions, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createApp } from "../app";
import { AZURE_FUNCTION_NAME } from "../contract";
import { workloadOptions } from "../runtime";

const workload = createApp(
  // REGION_NAME is App Service's own variable ("West Europe").
  workloadOptions(process.env, { cloud: "azure", target: "function", region: process.env.REGION_NAME }),
);

/**
 * Exported for tests, which call it with real `HttpRequest` objects. The body
 * is handed over as a stream, so the app's body limit refuses an oversize one
 * from its length before anything is copied.
 */
export async function handler(request: HttpRequest): Promise<HttpResponseInit> {
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;
  const response = await workload.fetch(
    new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch for a stream body.
      duplex: "half",
    } as RequestInit),
  );
  return {
    status: response.status,
    headers: response.headers,
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

functions.http(AZURE_FUNCTION_NAME, {
  route: "{*path}",
  methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  authLevel: "anonymous",
  handler,
});
