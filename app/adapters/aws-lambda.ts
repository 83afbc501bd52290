/**
 * AWS Lambda behind an API Gateway HTTP API (payload format 2.0; 1.0 and ALB
 * events work too). Hono's adapter maps the event (query, cookies, base64
 * bodies) to a Request and the Response back, including `cookies`.
 * Zip: index.js exporting `handler` (LAMBDA_HANDLER).
 *
 * The origin secret comes from SSM Parameter Store (`ORIGIN_SECRET_PARAMETER`
 * names the SecureString), read on the first request of a cold start and
 * kept for the life of the instance; Lambda has no secret references. It is
 * read through AWS's Parameters and Secrets Lambda Extension (a layer the
 * function target adds, lib/aws/parameters-extension.ts) on localhost, with
 * the function's own credentials: no AWS SDK in the zip, which keeps it small
 * and its import fast. The extension answers only during an invocation, never
 * at init, so the first request reads it.
 */
import { request } from "node:http";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { createApp, payloadTooLarge } from "../app";
import { WORKLOAD_EXTRA_ENV } from "../contract";
import { envString, maxBodyBytes, workloadOptions } from "../runtime";

const options = workloadOptions(process.env, { cloud: "aws", target: "function", region: process.env.AWS_REGION });
const limit = maxBodyBytes(process.env);
const parameter = envString(process.env, WORKLOAD_EXTRA_ENV.originSecretParameter);

/** What the extension listens on unless PARAMETERS_SECRETS_EXTENSION_HTTP_PORT says otherwise. */
const EXTENSION_PORT = 2773;
/** A hung extension must fail the request closed, not hold it until the function's timeout. */
const EXTENSION_TIMEOUT_MS = 3000;

/** The extension answered something other than a parameter; the name is what the fail-closed log shows. */
class ParametersExtensionError extends Error {
  override readonly name = "ParametersExtensionError";
}

/**
 * GET /systemsmanager/parameters/get?name=...&withDecryption=true on the
 * extension, authenticated with the sandbox's session token as AWS documents
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html).
 */
function readParameter(name: string): Promise<string> {
  const env = process.env;
  const token = env.AWS_SESSION_TOKEN;
  if (token === undefined || token === "") {
    return Promise.reject(new ParametersExtensionError("no AWS_SESSION_TOKEN to authenticate to the extension"));
  }
  const port = Number(env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? EXTENSION_PORT);
  const path = `/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=true`;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "localhost", port, path, headers: { "X-Aws-Parameters-Secrets-Token": token } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new ParametersExtensionError(`the extension answered ${res.statusCode}`));
            return;
          }
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Parameter?: { Value?: unknown } };
            const value = body.Parameter?.Value;
            // Rejected rather than "no secret": the gate then retries on the next request.
            if (typeof value === "string") resolve(value);
            else reject(new ParametersExtensionError("the extension's answer holds no parameter value"));
          } catch {
            reject(new ParametersExtensionError("the extension's answer is not JSON"));
          }
        });
      },
    );
    req.setTimeout(EXTENSION_TIMEOUT_MS, () => req.destroy(new ParametersExtensionError("the extension timed out")));
    req.on("error", reject);
    req.end();
  });
}

const serve = handle(
  createApp({ ...options, ...(parameter === undefined ? {} : { originSecret: () => readParameter(parameter) }) }),
);

/**
 * Hono's adapter decodes the whole body before any middleware runs; an
 * oversize one is refused from the event's length instead, without a copy.
 */
export async function handler(event: LambdaEvent, context?: LambdaContext) {
  if (eventBodyBytes(event) > limit) {
    return {
      statusCode: 413,
      headers: { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" },
      body: JSON.stringify(payloadTooLarge(limit, crypto.randomUUID())),
      isBase64Encoded: false,
    };
  }
  return serve(event, context);
}

/** Decoded size of the event's body, computed without decoding it. */
function eventBodyBytes(event: LambdaEvent): number {
  const body = event.body;
  if (typeof body !== "string" || body === "") return 0;
  if (!event.isBase64Encoded) return Buffer.byteLength(body, "utf8");
  const padding = body.endsWith("==") ? 2 : body.endsWith("=") ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}
