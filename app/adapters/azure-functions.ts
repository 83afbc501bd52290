/**
 * Azure Functions, v4 Node programming model: one anonymous HTTP function
 * (AZURE_FUNCTION_NAME) with a catch-all route; host.json in the zip sets
 * `routePrefix` to "", so paths reach the workload unchanged.
 *
 * The origin secret is read from Key Vault by the function itself
 * (`ORIGIN_SECRET_KEYVAULT_URI`, with the user-assigned identity
 * `AZURE_CLIENT_ID` names; ./azure-key-vault.ts) on the first request and
 * again once the value is 5 minutes old, so a rotation is picked up. Until a
 * read succeeds, and whenever one fails or returns no usable value, every
 * request but the health path gets 503.
 */
import { app as functions, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { createApp } from "../app";
import { AZURE_FUNCTION_NAME, WORKLOAD_EXTRA_ENV } from "../contract";
import { envString, workloadOptions } from "../runtime";
import { readKeyVaultSecret } from "./azure-key-vault";

/** How long a value read from Key Vault serves requests before the next one reads it again. */
const ORIGIN_SECRET_MAX_AGE_MS = 5 * 60 * 1000;

// REGION_NAME is App Service's own variable ("West Europe").
const options = workloadOptions(process.env, { cloud: "azure", target: "function", region: process.env.REGION_NAME });
const secretUri = envString(process.env, WORKLOAD_EXTRA_ENV.originSecretKeyVaultUri);
const clientId = envString(process.env, WORKLOAD_EXTRA_ENV.azureClientId);

const workload = createApp(
  secretUri === undefined
    ? options
    : {
        ...options,
        originSecret: () => readKeyVaultSecret(secretUri, clientId),
        originSecretMaxAgeMs: ORIGIN_SECRET_MAX_AGE_MS,
      },
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
