/** The edge's Terraform: Worker script, custom domain, zone settings, origin secret, and their wiring in the stack. */
import { CloudflareProvider } from "@cdktf/provider-cloudflare/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { type EnvironmentInput, ORIGINS } from "../../lib/config/schema";
import { buildWorker, bundleWorker } from "../../lib/edge/bundle";
import { Edge, type EdgeProps, escapeTemplate } from "../../lib/edge/edge";
import { OriginSecret } from "../../lib/edge/origin-secret";
import { BINDINGS, COMPATIBILITY_DATE, MAIN_MODULE } from "../../lib/edge/worker/contract";
import { BODY_LIMIT, type Origin } from "../../lib/service";
import { edgeSettings } from "../../lib/stacks/environment-stack";
import { environmentConfig, resourcesOf, synthEnvironment, type TerraformJson, testApp } from "../helpers/environments";
import { only } from "../helpers/terraform";

type Patch = Partial<Record<keyof EnvironmentInput, unknown>>;

/** An Edge in a bare stack, as EnvironmentStack builds it, with the given origins. */
function synthEdge(origins: Origin[], patch: Patch = {}, props: Partial<EdgeProps> = {}) {
  const app = testApp();
  const stack = new TerraformStack(app, "test");
  new CloudflareProvider(stack, "cloudflare", {});
  new RandomProvider(stack, "random");
  const secret = new OriginSecret(stack, "origin-secret");
  const edge = new Edge(stack, "edge", {
    ...edgeSettings(environmentConfig(patch)),
    origins,
    originSecret: secret.value,
    ...props,
  });
  return { stack, edge, json: () => JSON.parse(Testing.synth(stack, true)) as TerraformJson };
}

interface Binding {
  name: string;
  type: string;
  json?: string;
  text?: string;
}
const bindingsOf = (json: TerraformJson) => only(json, "cloudflare_workers_script").bindings as Binding[];
const routesOf = (json: TerraformJson) => JSON.parse(bindingsOf(json)[0].json as string);

/** Undoes Terraform's template escapes, as Terraform does when it reads the JSON. */
const terraformUnescape = (text: string) => text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");

const WEIGHTS_AWS_GCP = {
  clouds: ["aws", "gcp"],
  azure: undefined,
  weights: { "aws.function": 70, "gcp.container": 30 },
};

describe("EnvironmentStack wiring", () => {
  // The environment owns its zone here (as the production tier does), so the zone settings show.
  const config = environmentConfig({ cloudflare: { zoneShared: false } });
  const { stack, json } = synthEnvironment(config);

  it("exposes the origin secret for the targets, as a token resolved only by Terraform", () => {
    expect(stack.originSecret.value).toMatch(/\$\{TfToken\[/);
    expect(stack.originSecret.envVar).toBe("ORIGIN_SECRET");
    expect(stack.originSecret.header).toBe("x-origin-secret");
    const address = Object.keys(resourcesOf(json, "random_password")).find((a) => a.startsWith("origin-secret"));
    expect(resourcesOf(json, "random_password")[address as string]).toEqual(
      expect.objectContaining({ length: 48, special: false }),
    );
  });

  it("signs the sticky cookie with two generated key slots, rotated by cloudflare.stickyKeyGeneration", () => {
    const slots = (j: typeof json) =>
      Object.entries(resourcesOf(j, "random_password")).filter(([address]) => address.startsWith("edge_sticky-keys"));
    const keyBindings = (j: typeof json) =>
      Object.fromEntries(
        bindingsOf(j)
          .filter((b) => b.name.startsWith("STICKY_KEY"))
          .map((b) => [b.name, b.text]),
      );
    expect(slots(json).map(([, slot]) => slot)).toEqual([
      expect.objectContaining({ length: 64, special: false, keepers: { rotation: "0" } }),
      expect.objectContaining({ length: 64, special: false, keepers: { rotation: "0" } }),
    ]);
    const [a, b] = slots(json).map(([address]) => `\${random_password.${address}.result}`);
    expect(keyBindings(json)).toEqual({ STICKY_KEY: b, STICKY_KEY_PREVIOUS: a });
    // One rotation: slot a gets a new key and signs; b, the key that signed until now, still verifies.
    const rotated = synthEnvironment({
      ...stack.config,
      cloudflare: { ...stack.config.cloudflare, stickyKeyGeneration: 1 },
    }).json;
    expect(slots(rotated).map(([, slot]) => slot.keepers)).toEqual([{ rotation: "1" }, { rotation: "0" }]);
    expect(keyBindings(rotated)).toEqual({ STICKY_KEY: a, STICKY_KEY_PREVIOUS: b });
  });

  it("deploys the Worker with its bindings, its compatibility date and observability", () => {
    const script = only(json, "cloudflare_workers_script");
    expect(script).toEqual(
      expect.objectContaining({
        account_id: config.cloudflare.accountId,
        script_name: `${config.company.service}-test-edge`,
        main_module: MAIN_MODULE,
        compatibility_date: COMPATIBILITY_DATE,
        observability: { enabled: true, head_sampling_rate: 1, logs: { enabled: true, invocation_logs: true } },
      }),
    );
    const secretAddress = Object.keys(resourcesOf(json, "random_password")).find((a) => a.startsWith("origin-secret"));
    expect(bindingsOf(json)).toEqual([
      { name: "EDGE_CONFIG", type: "json", json: expect.any(String) },
      { name: "ORIGIN_SECRET", type: "secret_text", text: `\${random_password.${secretAddress}.result}` },
      {
        name: "STICKY_KEY",
        type: "secret_text",
        text: expect.stringMatching(/^\$\{random_password\.edge_sticky-keys/),
      },
      {
        name: "STICKY_KEY_PREVIOUS",
        type: "secret_text",
        text: expect.stringMatching(/^\$\{random_password\.edge_sticky-keys/),
      },
      { name: "EDGE_ANALYTICS", type: "analytics_engine", dataset: stack.edge.dataset },
    ]);
  });

  it("routes to every origin the cloud targets added, with the environment's weights", () => {
    const order = (id: string) => ORIGINS.indexOf(id as (typeof ORIGINS)[number]);
    const ids = stack.origins.map((o) => o.id).sort((a, b) => order(a) - order(b));
    expect(stack.edge.routes.origins.map((o) => [o.id, o.weight])).toEqual(
      ids.map((id) => [id, stack.config.weights[id] ?? 0]),
    );
    expect(stack.edge.routes).toEqual(expect.objectContaining({ timeoutMs: 17000, maxAttempts: 3 }));
    const encoded = bindingsOf(json)[0].json as string;
    for (const id of ids) expect(encoded).toContain(`"${id}"`);
  });

  it("gives the origin secret to a resource of every cloud that has an origin", () => {
    const reference = only(json, "cloudflare_workers_script").bindings as Binding[];
    const secretRef = reference[1].text as string;
    const prefix = { aws: "aws_", azure: "azurerm_", gcp: "google_" } as const;
    const clouds = new Set(stack.origins.map((o) => o.id.split(".")[0] as keyof typeof prefix));
    for (const cloud of clouds) {
      const holders = Object.entries(json.resource ?? {}).filter(
        ([type, resources]) => type.startsWith(prefix[cloud]) && JSON.stringify(resources).includes(secretRef),
      );
      expect(holders.map(([type]) => type)).not.toEqual([]);
    }
  });

  it("serves api.<domain> through a Workers custom domain, and outputs its URL", () => {
    const scriptId = Object.keys(resourcesOf(json, "cloudflare_workers_script"))[0];
    expect(only(json, "cloudflare_workers_custom_domain")).toEqual(
      expect.objectContaining({
        account_id: config.cloudflare.accountId,
        zone_id: config.cloudflare.zoneId,
        hostname: `api.${config.cloudflare.domain}`,
        service: `\${cloudflare_workers_script.${scriptId}.script_name}`,
      }),
    );
    expect(json.output?.edge_url).toEqual(
      expect.objectContaining({ value: `https://api.${config.cloudflare.domain}` }),
    );
  });

  it("sets the zone to TLS 1.2+, strict SSL and always HTTPS", () => {
    const settings = Object.values(resourcesOf(json, "cloudflare_zone_setting")).map((s) => [s.setting_id, s.value]);
    expect(settings.sort()).toEqual([
      ["always_use_https", "on"],
      ["min_tls_version", "1.2"],
      ["ssl", "strict"],
    ]);
    for (const setting of Object.values(resourcesOf(json, "cloudflare_zone_setting"))) {
      expect(setting.zone_id).toBe(config.cloudflare.zoneId);
    }
  });

  it("leaves a shared zone's settings alone", () => {
    const shared = environmentConfig({ cloudflare: { zoneShared: true } });
    const { json: sharedJson } = synthEnvironment(shared);
    expect(resourcesOf(sharedJson, "cloudflare_zone_setting")).toEqual({});
    expect(Object.keys(resourcesOf(sharedJson, "cloudflare_workers_custom_domain"))).toHaveLength(1);
  });

  it("uploads the bundled Worker, escaped so Terraform reads it back byte for byte", () => {
    const content = only(json, "cloudflare_workers_script").content as string;
    // An unescaped `${` or `%{` would be a Terraform interpolation or directive.
    expect(content).not.toMatch(/(^|[^$])\$\{/);
    expect(content).not.toMatch(/(^|[^%])%\{/);
    expect(terraformUnescape(content)).toBe(bundleWorker().code);
    expect(bundleWorker().code).toContain("${");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform template syntax, on purpose
    expect(escapeTemplate("a ${b} %{c} $${d}")).toBe("a $${b} %%{c} $$${d}");
  });
});

describe("Edge routing table", () => {
  it("holds the deployed origins in ORIGINS order, each with its environment weight (0 when it has none)", () => {
    const origins: Origin[] = [
      { id: "gcp.container", endpoint: "https://run-abc.a.run.app" },
      { id: "aws.container", endpoint: "https://alb.example.net/" },
      { id: "aws.function", endpoint: "https://abc.execute-api.eu-west-1.amazonaws.com/live" },
    ];
    const { json } = synthEdge(origins, WEIGHTS_AWS_GCP);
    expect(routesOf(json())).toEqual({
      origins: [
        { id: "aws.function", url: "https://abc.execute-api.eu-west-1.amazonaws.com/live", weight: 70 },
        { id: "aws.container", url: "https://alb.example.net/", weight: 0 },
        { id: "gcp.container", url: "https://run-abc.a.run.app", weight: 30 },
      ],
      timeoutMs: 17000,
      maxAttempts: 3,
      maxBodyBytes: BODY_LIMIT.defaultBytes,
      deadlineMs: 27000,
      publicHost: `api.${environmentConfig(WEIGHTS_AWS_GCP).cloudflare.domain}`,
    });
  });

  it("is written by Terraform (jsonencode) when endpoints are tokens", () => {
    const { stack, json } = synthEdge([]);
    const host = new TerraformVariable(stack, "function_host", { type: "string" });
    const withToken = new Edge(stack, "edge2", {
      ...edgeSettings(environmentConfig(WEIGHTS_AWS_GCP)),
      origins: [{ id: "aws.function", endpoint: `https://${host.stringValue}/` }],
      originSecret: "unused",
      hostname: "api2.test.example.net",
      stickyHeader: "x-user-id",
      originTimeoutMs: 5000,
      maxAttempts: 2,
    });
    const scripts = resourcesOf(json(), "cloudflare_workers_script");
    const synthesized = scripts[Object.keys(scripts).find((id) => id.startsWith("edge2")) as string];
    const encoded = (synthesized.bindings as Binding[])[0].json;
    expect(encoded).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform expression, on purpose
      '${jsonencode({"origins" = [{"id" = "aws.function", "url" = "https://${var.function_host}/", "weight" = 70}], "timeoutMs" = 5000, "maxAttempts" = 2, "stickyHeader" = "x-user-id", "maxBodyBytes" = 1048576, "deadlineMs" = 15000, "publicHost" = "api2.test.example.net"})}',
    );
    expect(withToken.routes.stickyHeader).toBe("x-user-id");
  });

  it("is an empty table with no origins, written as plain JSON", () => {
    const { json } = synthEdge([]);
    expect(JSON.parse(bindingsOf(json())[0].json as string)).toEqual(
      expect.objectContaining({ origins: [], timeoutMs: 17000, maxAttempts: 3 }),
    );
  });

  it("uses the given props over the defaults", () => {
    const { edge, json } = synthEdge([], {}, { serviceName: "shop", hostname: "edge.test.example.net" });
    expect(only(json(), "cloudflare_workers_script").script_name).toBe("shop-test-edge");
    expect(only(json(), "cloudflare_workers_custom_domain").hostname).toBe("edge.test.example.net");
    expect(edge.url).toBe("https://edge.test.example.net");
  });

  it.each([
    [
      [{ id: "oci.function", endpoint: "https://a.example.net" }],
      {},
      /origin id "oci.function" is not one of aws.function/,
    ],
    [
      [
        { id: "aws.function", endpoint: "https://a.example.net" },
        { id: "aws.function", endpoint: "https://b.example.net" },
      ],
      {},
      /origin "aws.function" is listed twice/,
    ],
    [
      [{ id: "aws.function", endpoint: "http://a.example.net" }],
      {},
      /endpoint "http:\/\/a.example.net" must be an https:\/\/ URL/,
    ],
    [[], { maxAttempts: 0 }, /maxAttempts must be an integer from 1 to 6, got 0/],
    [[], { originTimeoutMs: 50 }, /originTimeoutMs must be an integer from 100 to 600000, got 50/],
    [[], { stickyHeader: "X User" }, /stickyHeader "X User" must be a lowercase header name/],
    [[], { hostname: "API.example.net" }, /hostname "API.example.net" must be a lowercase DNS name/],
  ] as [Origin[], Partial<EdgeProps>, RegExp][])("refuses bad input: %j %j", (origins, props, message) => {
    expect(() => synthEdge(origins, {}, props)).toThrow(message);
  });

  it("fails synth when an origin is added after the Edge was created", () => {
    const origins: Origin[] = [];
    const { json } = synthEdge(origins);
    origins.push({ id: "aws.function", endpoint: "https://late.example.net" });
    expect(() => json()).toThrow(/1 origin\(s\) were added after the Edge was created; create it last/);
  });
});

describe("Worker bundle", () => {
  it("is reproducible, free of machine paths, and small", () => {
    const a = buildWorker();
    const b = buildWorker();
    expect(b.code).toBe(a.code);
    expect(b.sha256).toBe(a.sha256);
    expect(a.code).not.toContain(process.cwd());
    expect(a.code).toMatch(/^export \{\n {2}\w+ as default\n\};$/m);
    // Regression guard for the 50 KB target (bench/edge.ts measures it).
    expect(a.bytes).toBeLessThan(50 * 1024);
  });

  it("names every binding of the contract", () => {
    for (const { name } of Object.values(BINDINGS)) expect(bundleWorker().code).toContain(`"${name}"`);
  });
});
