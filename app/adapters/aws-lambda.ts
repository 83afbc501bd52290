/**
 * AWS Lambda behind an API Gateway HTTP API (payload format 2.0; 1.0 and ALB
 * events work too). Hono's adapter maps the event (query, cookies, base64
 * bodies) to a Request and the Response back, including `cookies`.
 * Zip: index.js exporting `handler` (LAMBDA_HANDLER).
 *
 * The origin secret comes from SSM Parameter Store (`ORIGIN_SECRET_PARAMETER`
 * names the SecureString), read on the first request of a cold start and
 * kept for the life of the instance; Lambda has no secret references.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { createApp, payloadTooLarge } from "../app";
import { WORKLOAD_EXTRA_ENV } from "../contract";
import { envString, maxBodyBytes, workloadOptions } from "../runtime";

const options = workloadOptions(process.env, { cloud: "aws", target: "function", region: process.env.AWS_REGION });
const limit = maxBodyBytes(process.env);
const parameter = envString(process.env, WORKLOAD_EXTRA_ENV.originSecretParameter);

/** The SDK takes region, credentials and (in tests) `AWS_ENDPOINT_URL_SSM` from the environment Lambda sets. */
async function readParameter(name: string): Promise<string | undefined> {
  const client = new SSMClient({});
  try {
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return Parameter?.Value;
  } finally {
    client.destroy();
  }
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
