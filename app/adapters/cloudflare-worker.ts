/**
 * The workload as a Cloudflare Worker module (target `edge`). Bindings play
 * the role of environment variables: ORIGIN_SECRET, SERVICE_NAME, ... as
 * Worker vars or secrets. Not the edge router (lib/edge): a fork can deploy
 * this when it wants the service itself on Workers.
 */
import { createApp } from "../app";
import { type EnvVars, workloadOptions } from "../runtime";

let workload: ReturnType<typeof createApp> | undefined;

export default {
  fetch(request: Request, env: EnvVars, ctx: unknown): Response | Promise<Response> {
    // Bindings are fixed for an isolate and an isolate stays in one data centre: build the app once.
    workload ??= createApp(
      workloadOptions(env, {
        cloud: "cloudflare",
        target: "edge",
        region: (request as Request & { cf?: { colo?: string } }).cf?.colo,
      }),
    );
    return workload.fetch(request, env, ctx as never);
  },
};
