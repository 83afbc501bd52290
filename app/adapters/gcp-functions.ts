/**
 * Google Cloud Functions (2nd gen) through the Functions Framework: HTTP
 * function GCP_ENTRY_POINT. The framework's Express request already has its
 * body read; @hono/node-server takes it from `rawBody`.
 */
import { http } from "@google-cloud/functions-framework";
import { getRequestListener } from "@hono/node-server";
import { createApp } from "../app";
import { GCP_ENTRY_POINT } from "../contract";
import { workloadOptions } from "../runtime";

// Gen 2 sets no region variable: the target passes REGION.
const workload = createApp(workloadOptions(process.env, { cloud: "gcp", target: "function" }));

http(GCP_ENTRY_POINT, getRequestListener(workload.fetch));
