/**
 * The Worker reads exactly the bindings Terraform gives it. One source, the
 * synthesized `cloudflare_workers_script` of a real EnvironmentStack, is
 * checked against the Worker's handler twice: in Node with an `env` that
 * records every read, and in workerd with bindings built from that resource.
 * Renaming a binding on either side, or adding one on one side only, fails.
 */
import { HEALTH_PATH, SERVED_BY_HEADER } from "../../lib/edge/worker/contract";
import worker from "../../lib/edge/worker/index";
import { ORIGIN_SECRET } from "../../lib/service";
import { environmentConfig, resourcesOf, synthEnvironment } from "../helpers/environments";
import { type OriginServer, startEdgeWithBindings, startOrigin, TEST_SECRET } from "./helpers";

jest.setTimeout(30_000);

interface Binding {
  name: string;
  type: string;
  json?: string;
  text?: string;
  dataset?: string;
}

const { stack, json } = synthEnvironment(environmentConfig());
const script = Object.values(resourcesOf(json, "cloudflare_workers_script"))[0];
const synthesized = script.bindings as Binding[];

/**
 * What the runtime hands the Worker for each synthesized binding. The secret's
 * Terraform reference becomes a test value, and the routing table is pointed
 * at a local origin so the forwarding path runs too.
 */
function runtimeBindings(originUrl: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const binding of synthesized) {
    switch (binding.type) {
      case "json":
        // Endpoints are tokens once targets exist, so the JSON is a Terraform expression: take the table the Edge
        // encoded, with its origins swapped for the local one.
        expect(binding.json).toEqual(
          stack.edge.routes.origins.length === 0
            ? JSON.stringify(stack.edge.routes)
            : expect.stringMatching(/^\$\{jsonencode\(/),
        );
        values[binding.name] = { ...stack.edge.routes, origins: [{ id: "aws.function", url: originUrl, weight: 1 }] };
        break;
      case "secret_text":
        expect(binding.text).toMatch(/^\$\{random_password\.[\w-]+\.result\}$/);
        values[binding.name] = TEST_SECRET;
        break;
      case "analytics_engine":
        // The dataset is Cloudflare's; the Worker runs without it (analytics.test.ts runs it with a recorder).
        expect(binding.dataset).toBe(stack.edge.dataset);
        break;
      default:
        throw new Error(`binding type ${binding.type} has no runtime value in this test; add one`);
    }
  }
  return values;
}

let origin: OriginServer;
beforeAll(async () => {
  origin = await startOrigin("aws.function");
});
afterAll(() => origin.close());

it("binds exactly the names the Worker's handler reads", async () => {
  const read = new Set<string>();
  const env = new Proxy(runtimeBindings(origin.url), {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.get(target, name);
    },
  });
  const health = await worker.fetch(new Request(`https://api.test.example.net${HEALTH_PATH}`), env);
  expect(await health.json()).toEqual({ status: "ok" });
  const forwarded = await worker.fetch(new Request("https://api.test.example.net/shop"), env);
  expect(forwarded.status).toBe(200);

  expect([...read].sort()).toEqual(synthesized.map((b) => b.name).sort());
});

it("works in workerd with bindings built from the synthesized resource", async () => {
  const edge = await startEdgeWithBindings(runtimeBindings(origin.url));
  try {
    const health = await edge.fetch(HEALTH_PATH);
    expect(health.status).toBe(200);
    const response = await edge.fetch("/shop");
    expect(response.status).toBe(200);
    // The deployed routing table does not ask for debug headers: clients are not told which origin served.
    expect(response.headers.get(SERVED_BY_HEADER)).toBeNull();
    expect(origin.requests.at(-1)?.headers[ORIGIN_SECRET.header]).toBe(TEST_SECRET);
  } finally {
    await edge.close();
  }
});
