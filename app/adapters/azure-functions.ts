/** Azure Functions, v4 Node programming model: one HTTP trigger for every route. */
import { app as functions, type HttpRequest, HttpResponse } from "@azure/functions";
import { createApp } from "../app";

const app = createApp({ cloud: "azure", region: process.env.REGION_NAME ?? "unknown", target: "function" });

functions.http("workload", {
  route: "{*path}",
  methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  authLevel: "anonymous",
  handler: async (request: HttpRequest) => {
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const response = await app.fetch(
      new Request(request.url, { method: request.method, headers: request.headers, body }),
    );
    return new HttpResponse({
      status: response.status,
      headers: response.headers,
      body: new Uint8Array(await response.arrayBuffer()),
    });
  },
});
