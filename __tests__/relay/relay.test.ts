/**
 * The alert relay in workerd (Miniflare): the documentation's sample payload of
 * every cloud (fixtures/README.md) reaches loopback Slack-, Teams-, PagerDuty-
 * and webhook-shaped receivers in each one's format; sources are verified (SNS
 * signature with a certificate from an SNS host only, tokens for the others);
 * repeats are delivered once.
 */
import { createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Json, Miniflare, type Request as MiniflareRequest } from "miniflare";
import { bundleRelay } from "../../lib/relay/bundle";
import {
  CLOUDFLARE_SECRET_HEADER,
  GCP_BASIC_USER,
  RELAY_BINDINGS,
  RELAY_COMPATIBILITY_DATE,
  RELAY_HEALTH_PATH,
  type RelayConfig,
  receiverBinding,
  sourcePath,
} from "../../lib/relay/worker/contract";
import { type SnsMessage, stringToSign } from "../../lib/relay/worker/sns";
import { throwawaySigningPair } from "./signing";

// Starting workerd (and bundling the relay) takes seconds on a loaded machine.
jest.setTimeout(30_000);

const FIXTURES = join(__dirname, "fixtures");
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as Record<string, unknown>;
// Made anew each run: no private key is committed (signing.ts).
const { key: SIGNING_KEY, cert: SIGNING_CERT } = throwawaySigningPair("sns.us-west-2.amazonaws.com test double");
const TOKEN = "relay-test-token-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
const RELAY = "https://relay.test.invalid";

/** A loopback receiver: records each JSON body and answers `status`. */
interface Receiver {
  readonly url: string;
  readonly bodies: Record<string, unknown>[];
  status: number;
  /** Forgets the bodies and answers its first status again. */
  reset(): void;
  close(): Promise<void>;
}
async function receiver(status = 200): Promise<Receiver> {
  const bodies: Record<string, unknown>[] = [];
  const state = { status };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      res.writeHead(state.status, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    reset: () => {
      bodies.length = 0;
      state.status = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signs `message` as SNS would (SignatureVersion 1: SHA1withRSA; 2: SHA256withRSA). */
function signed(message: Record<string, unknown>, version: "1" | "2" = "1"): Record<string, unknown> {
  const withVersion = { ...message, SignatureVersion: version } as unknown as SnsMessage;
  const text = stringToSign(withVersion);
  if (text === undefined) throw new Error("fixture is not a signable SNS message");
  const signature = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256")
    .update(text)
    .sign(SIGNING_KEY, "base64");
  return { ...withVersion, Signature: signature };
}

/** The CloudWatch alarm sample, carried by the SNS notification sample (with `overrides` of its fields). */
const alarmNotification = (
  alarm: Record<string, unknown> = fixture("cloudwatch-alarm.json"),
  overrides: Record<string, unknown> = {},
) =>
  signed({
    ...fixture("sns-notification.json"),
    Subject: `ALARM: "${alarm.AlarmName}"`,
    Message: JSON.stringify(alarm),
    ...overrides,
  });

interface Rig {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  /** URLs the Worker fetched outside loopback (certificates, confirmations). */
  readonly outbound: string[];
  readonly slack: Receiver;
  readonly teams: Receiver;
  readonly pagerduty: Receiver;
  readonly webhook: Receiver;
  readonly heartbeat: Receiver;
  scheduled(): Promise<void>;
  logs(): string;
}

interface RunningRelay extends Rig {
  /** Empties the receivers, the outbound log and the dedupe cache: what a new relay would start with. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One relay serves the file's tests (a workerd start is ~1 s wall, ~0.5 s CPU); `reset` before each
 * test leaves only what its isolate keeps: SNS certificates by URL (lib/relay/worker/sns.ts), so the
 * certificate test signs with a URL no other test uses. Each test sees only its own logs.
 */
let shared: Promise<RunningRelay> | undefined;
afterAll(async () => {
  await (await shared)?.close();
});
async function startRelay(): Promise<Rig> {
  shared ??= createRelay();
  const relay = await shared;
  await relay.reset();
  const from = relay.logs().length;
  return { ...relay, logs: () => relay.logs().slice(from) };
}

async function createRelay(): Promise<RunningRelay> {
  const [slack, teams, pagerduty, webhook, heartbeat] = await Promise.all([
    receiver(200),
    receiver(202),
    receiver(202),
    receiver(204),
    receiver(200),
  ]);
  const receivers = [slack, teams, pagerduty, webhook, heartbeat];
  const config: RelayConfig = {
    service: "svc",
    environment: "env",
    dedupeSeconds: 600,
    snsTopics: ["MyTopic"],
    receivers: [
      { name: "slack", kind: "slack", binding: receiverBinding(0) },
      { name: "teams", kind: "teams", binding: receiverBinding(1) },
      { name: "pagerduty", kind: "pagerduty", binding: receiverBinding(2), endpoint: pagerduty.url },
      { name: "webhook", kind: "webhook", binding: receiverBinding(3) },
      { name: "heartbeat", kind: "heartbeat", binding: receiverBinding(4) },
    ],
  };
  const outbound: string[] = [];
  let logs = "";
  const mf = new Miniflare({
    modules: true,
    script: bundleRelay().code,
    compatibilityDate: RELAY_COMPATIBILITY_DATE,
    bindings: {
      [RELAY_BINDINGS.config.name]: config as unknown as Json,
      [RELAY_BINDINGS.token.name]: TOKEN,
      [receiverBinding(0)]: slack.url,
      [receiverBinding(1)]: teams.url,
      [receiverBinding(2)]: "pd-routing-key-0123456789abcdef",
      [receiverBinding(3)]: webhook.url,
      [receiverBinding(4)]: heartbeat.url,
    },
    // Every fetch of the Worker passes here: SNS hosts are answered locally (no network), loopback goes through.
    outboundService: async (request: MiniflareRequest) => {
      const url = new URL(request.url);
      if (url.hostname.endsWith(".amazonaws.com")) {
        outbound.push(request.url);
        if (url.pathname.endsWith(".pem")) return new Response(SIGNING_CERT);
        return new Response("<ConfirmSubscriptionResponse/>", { status: 200 });
      }
      if (url.hostname !== "127.0.0.1") {
        outbound.push(request.url);
        return new Response("no network in tests", { status: 599 });
      }
      const forwarded = await fetch(request.url, {
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      });
      const body = await forwarded.text();
      return new Response(forwarded.status === 204 ? null : body, { status: forwarded.status });
    },
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      logs += `${level}: ${message}\n`;
    },
  });
  const close = async () => {
    await mf.dispose();
    await Promise.all(receivers.map((r) => r.close()));
  };
  try {
    await mf.ready;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    post: async (path, body, headers = {}) =>
      (await mf.dispatchFetch(`${RELAY}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      })) as unknown as Response,
    get: async (path) => (await mf.dispatchFetch(`${RELAY}${path}`)) as unknown as Response,
    outbound,
    slack,
    teams,
    pagerduty,
    webhook,
    heartbeat,
    scheduled: async () => {
      // Fetcher.scheduled exists at run time; Miniflare's types leave it out.
      const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> };
      await worker.scheduled({ cron: "*/5 * * * *" });
    },
    logs: () => logs,
    reset: async () => {
      for (const r of receivers) r.reset();
      outbound.length = 0;
      await mf.purgeCache();
    },
    close,
  };
}

const withToken = (path: string, token = TOKEN) => `${path}?token=${encodeURIComponent(token)}`;
const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`${GCP_BASIC_USER}:${password}`).toString("base64")}`,
});
const text = (body: Record<string, unknown>) => JSON.stringify(body);

describe("every cloud's sample alert reaches every receiver in its format", () => {
  it("AWS: a CloudWatch alarm through SNS, signature checked with the certificate from the SNS host", async () => {
    const rig = await startRelay();
    // A certificate URL on the SNS host that no other test signs with: the shared relay cannot hold it yet.
    const cert = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-cloudwatch-test-only.pem";
    const response = await rig.post(
      withToken(sourcePath("aws")),
      alarmNotification(undefined, { SigningCertURL: cert }),
    );
    expect([response.status, await response.text()]).toEqual([200, expect.stringContaining("sent 4")]);
    expect(rig.outbound).toEqual([cert]);
    expect(rig.slack.bodies[0]).toMatchObject({
      text: expect.stringContaining("[FIRING] Example alarm name (aws, env)"),
    });
    expect(text(rig.teams.bodies[0])).toContain("application/vnd.microsoft.card.adaptive");
    expect(rig.pagerduty.bodies[0]).toMatchObject({
      routing_key: "pd-routing-key-0123456789abcdef",
      event_action: "trigger",
      dedup_key: "aws:arn:aws:cloudwatch:us-east-1:000000000000:alarm:Example alarm name",
      payload: { severity: "critical", source: "svc-env", timestamp: "2017-12-07T00:00:00.000Z" },
    });
    expect(rig.webhook.bodies[0]).toMatchObject({ source: "aws", state: "firing", title: "Example alarm name" });
    expect(rig.heartbeat.bodies).toEqual([]);
  });

  it("AWS: SignatureVersion 2 (SHA256withRSA) verifies too; an OK state resolves in PagerDuty", async () => {
    const rig = await startRelay();
    const ok = { ...fixture("cloudwatch-alarm.json"), NewStateValue: "OK" };
    const notification = signed(
      { ...fixture("sns-notification.json"), Message: JSON.stringify(ok), MessageId: "other" },
      "2",
    );
    expect((await rig.post(withToken(sourcePath("aws")), notification)).status).toBe(200);
    expect(rig.pagerduty.bodies[0]).toEqual({
      routing_key: "pd-routing-key-0123456789abcdef",
      event_action: "resolve",
      dedup_key: "aws:arn:aws:cloudwatch:us-east-1:000000000000:alarm:Example alarm name",
    });
  });

  it("Azure: the common alert schema sample (resolved), and the same alert fired", async () => {
    const rig = await startRelay();
    const resolved = fixture("azure-common-alert-schema.json");
    expect((await rig.post(withToken(sourcePath("azure")), resolved)).status).toBe(200);
    expect(rig.slack.bodies[0].text).toBe("[RESOLVED] WCUS-R2-Gen2 (azure, env)");
    expect(rig.pagerduty.bodies[0]).toMatchObject({ event_action: "resolve" });
    const fired = JSON.parse(text(resolved).replace('"Resolved"', '"Fired"').replace('"Sev3"', '"Sev1"'));
    expect((await rig.post(withToken(sourcePath("azure")), fired)).status).toBe(200);
    expect(rig.pagerduty.bodies[1]).toMatchObject({
      event_action: "trigger",
      payload: { severity: "critical", timestamp: "2019-03-22T13:58:24.371Z" },
      links: [{ href: expect.stringContaining("portal.azure.com") }],
    });
    expect(text(rig.teams.bodies[1])).toContain("[FIRING] WCUS-R2-Gen2");
  });

  it("GCP: the incident sample (schema 1.2) with Basic auth from a webhook_basicauth channel", async () => {
    const rig = await startRelay();
    const incident = fixture("gcp-incident-1.2.json");
    expect((await rig.post(sourcePath("gcp"), incident, basic(TOKEN))).status).toBe(200);
    expect(rig.webhook.bodies[0]).toMatchObject({
      source: "gcp",
      id: "0.opqiw61fsv7p",
      state: "resolved",
      title: "Request Count for Cloud Run revisions",
      at: new Date(1577877071 * 1000).toISOString(),
      url: expect.stringContaining("console.cloud.google.com"),
    });
    const open = { ...incident, incident: { ...(incident.incident as object), state: "open" } };
    expect((await rig.post(sourcePath("gcp"), open, basic(TOKEN))).status).toBe(200);
    expect(rig.slack.bodies[1].text).toBe("[FIRING] Request Count for Cloud Run revisions (gcp, env)");
    expect(rig.pagerduty.bodies[1]).toMatchObject({ event_action: "trigger", dedup_key: "gcp:0.opqiw61fsv7p" });
  });

  it("Cloudflare: the health check sample with the webhook secret header; the creation test message is acknowledged only", async () => {
    const rig = await startRelay();
    const headers = { [CLOUDFLARE_SECRET_HEADER]: TOKEN };
    expect((await rig.post(sourcePath("cloudflare"), fixture("cloudflare-health-check.json"), headers)).status).toBe(
      200,
    );
    expect(rig.slack.bodies[0].text).toBe("[FIRING] Health check alert (cloudflare, env)");
    expect(rig.pagerduty.bodies[0]).toMatchObject({
      event_action: "trigger",
      dedup_key: "cloudflare:5c8a2e4f-1b3d-4a6e-9f7c-2d8b0e1a3c5f",
    });
    const test = { name: "webhook", text: "Hello World! This is a test message", data: {}, ts: 1705315800 };
    expect((await rig.post(sourcePath("cloudflare"), test, headers)).status).toBe(200);
    expect(rig.slack.bodies).toHaveLength(1);
  });
});

describe("sources are verified", () => {
  it("answers an SNS subscription confirmation by visiting its SubscribeURL on the SNS host", async () => {
    const rig = await startRelay();
    const confirmation = signed(fixture("sns-subscription-confirmation.json"));
    const response = await rig.post(withToken(sourcePath("aws")), confirmation);
    expect([response.status, await response.text()]).toEqual([200, "subscription confirmed\n"]);
    expect(rig.outbound).toContain(confirmation.SubscribeURL);
    expect(rig.slack.bodies).toEqual([]);
  });

  it("refuses an SNS message whose certificate is not on an SNS host, whose signature fails, or from another topic", async () => {
    const rig = await startRelay();
    const elsewhere = signed({
      ...fixture("sns-notification.json"),
      SigningCertURL: "https://attacker.test.invalid/SimpleNotificationService-x.pem",
    });
    const lookalike = signed({
      ...fixture("sns-notification.json"),
      SigningCertURL: "https://sns.us-west-2.amazonaws.com.attacker.test/cert.pem",
    });
    const tampered = {
      ...alarmNotification(),
      Message: JSON.stringify({ AlarmName: "forged", NewStateValue: "ALARM" }),
    };
    const otherTopic = signed({
      ...fixture("sns-notification.json"),
      TopicArn: "arn:aws:sns:us-west-2:999999999999:Other",
    });
    for (const message of [elsewhere, lookalike, tampered, otherTopic]) {
      expect((await rig.post(withToken(sourcePath("aws")), message)).status).toBe(403);
    }
    expect(rig.outbound.every((url) => url.startsWith("https://sns.us-west-2.amazonaws.com/"))).toBe(true);
    const badSubscribe = signed({
      ...fixture("sns-subscription-confirmation.json"),
      SubscribeURL: "https://attacker.test.invalid/?Action=ConfirmSubscription",
    });
    expect((await rig.post(withToken(sourcePath("aws")), badSubscribe)).status).toBe(403);
    expect(rig.outbound).not.toContain("https://attacker.test.invalid/?Action=ConfirmSubscription");
    expect(rig.slack.bodies).toEqual([]);
  });

  it("refuses a wrong or missing token on every source, and never logs the token or a receiver URL", async () => {
    const rig = await startRelay();
    const wrong = `${TOKEN.slice(0, -1)}x`;
    const attempts = [
      rig.post(withToken(sourcePath("aws"), wrong), alarmNotification()),
      rig.post(sourcePath("aws"), alarmNotification()),
      rig.post(withToken(sourcePath("azure"), wrong), fixture("azure-common-alert-schema.json")),
      rig.post(sourcePath("gcp"), fixture("gcp-incident-1.2.json"), basic(wrong)),
      rig.post(sourcePath("cloudflare"), fixture("cloudflare-health-check.json"), {
        [CLOUDFLARE_SECRET_HEADER]: wrong,
      }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(401);
    expect(rig.slack.bodies).toEqual([]);
    await rig.post(withToken(sourcePath("azure")), fixture("azure-common-alert-schema.json"));
    for (const secret of [TOKEN, rig.slack.url, rig.teams.url, "pd-routing-key"])
      expect(rig.logs()).not.toContain(secret);
  });

  it("answers 400 to a payload it cannot read, so nobody gets an unreadable alert", async () => {
    const rig = await startRelay();
    const notAlarm = signed(fixture("sns-notification.json")); // "Hello world!"
    expect((await rig.post(withToken(sourcePath("aws")), notAlarm)).status).toBe(400);
    expect((await rig.post(withToken(sourcePath("azure")), { hello: "world" })).status).toBe(400);
    expect(rig.slack.bodies).toEqual([]);
  });
});

describe("de-duplication and failures", () => {
  it("delivers a repeated notification (source, id, state) once per receiver within the window", async () => {
    const rig = await startRelay();
    const alert = fixture("azure-common-alert-schema.json");
    await rig.post(withToken(sourcePath("azure")), alert);
    const again = await rig.post(withToken(sourcePath("azure")), alert);
    expect([again.status, await again.text()]).toEqual([200, expect.stringContaining("duplicate 4")]);
    expect(rig.slack.bodies).toHaveLength(1);
    expect(rig.pagerduty.bodies).toHaveLength(1);
  });

  it("answers 503 when a receiver fails, so the cloud retries, and the retry reaches only that receiver", async () => {
    const rig = await startRelay();
    rig.teams.status = 500;
    const alert = fixture("gcp-incident-1.2.json");
    expect((await rig.post(sourcePath("gcp"), alert, basic(TOKEN))).status).toBe(503);
    rig.teams.status = 202;
    expect((await rig.post(sourcePath("gcp"), alert, basic(TOKEN))).status).toBe(200);
    expect([rig.slack.bodies.length, rig.teams.bodies.length]).toEqual([1, 2]);
  });

  it("the Cron Trigger pings the heartbeat receiver (a dead man's switch pages when pings stop)", async () => {
    const rig = await startRelay();
    await rig.scheduled();
    expect(rig.heartbeat.bodies).toEqual([expect.objectContaining({ id: "relay-heartbeat", environment: "env" })]);
    expect(rig.slack.bodies).toEqual([]);
  });

  it("answers its health path without a token, and only POSTs on source paths", async () => {
    const rig = await startRelay();
    expect((await rig.get(RELAY_HEALTH_PATH)).status).toBe(200);
    expect((await rig.get(sourcePath("azure"))).status).toBe(405);
  });
});
