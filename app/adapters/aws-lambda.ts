/** AWS Lambda behind an API Gateway HTTP API (payload format 2.0). */
import { handle } from "hono/aws-lambda";
import { createApp } from "../app";

export const handler = handle(
  createApp({ cloud: "aws", region: process.env.AWS_REGION ?? "unknown", target: "function" }),
);
