/**
 * AWS Lambda behind an API Gateway HTTP API (payload format 2.0; 1.0 and ALB
 * events work too). Hono's adapter maps the event (query, cookies, base64
 * bodies) to a Request and the Response back, including `cookies`.
 * Zip: index.js exporting `handler` (LAMBDA_HANDLER).
 */
import { handle } from "hono/aws-lambda";
import { createApp } from "../app";
import { workloadOptions } from "../runtime";

export const handler = handle(
  createApp(workloadOptions(process.env, { cloud: "aws", target: "function", region: process.env.AWS_REGION })),
);
