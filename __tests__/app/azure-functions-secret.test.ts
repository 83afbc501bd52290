/**
 * The Azure Functions zip reads its origin secret from Key Vault itself, with
 * its user-assigned identity: stand-ins for the App Service identity endpoint
 * and for the vault listen on loopback and answer real HTTP, as the platform's
 * IDENTITY_ENDPOINT and Key Vault's data plane do. The zip itself runs as
 * shipped, in the real `@azure/functions` library (targets.ts).
 */
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type FakeAnswer, type FakeCall, startFakeHttp } from "./fake-http";
import { type RunningTarget, TARGETS, withProcessEnv } from "./targets";

jest.setTimeout(30_000);

const SECRET = "azure-origin-secret-5eed1e55".padEnd(ORIGIN_SECRET_LENGTH, "0"); // as generated
const ROTATED = "azure-origin-secret-r0tated".padEnd(ORIGIN_SECRET_LENGTH, "1");
const CLIENT_ID = "0f3c8a52-6d1e-4b7a-9c2d-1e5f7a9b3c4d";
const IDENTITY_HEADER = "identity-header-of-this-instance";
const TOKEN = "eyJ0eXAiOiJKV1Qi.vault-token.signature";
const FIVE_MINUTES = 5 * 60 * 1000;

const tokenAnswer = (): FakeAnswer => ({
  status: 200,
  body: JSON.stringify({
    access_token: TOKEN,
    expires_on: "1767000000",
    resource: "https://vault.azure.net",
    token_type: "Bearer",
    client_id: CLIENT_ID,
  }),
});
const secretAnswer = (value: string): FakeAnswer => ({
  status: 200,
  body: JSON.stringify({ value, id: "https://kv/secrets/origin-secret/0123", attributes: { enabled: true } }),
});

describe("azure-functions: the origin secret read from Key Vault with the user-assigned identity", () => {
  const azure = TARGETS.find((t) => t.name === "azure-functions") as (typeof TARGETS)[number];
  let cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
    jest.restoreAllMocks();
  });

  /** Fakes for the identity endpoint and the vault, and the zip started with App Service's variables. */
  async function start(
    answers: { identity?: (call: FakeCall) => FakeAnswer; vault?: (call: FakeCall) => FakeAnswer } = {},
    settings: Partial<Record<"clientId" | "identityHeader", string | null>> = {},
  ) {
    const identity = await startFakeHttp(answers.identity ?? tokenAnswer);
    const vault = await startFakeHttp(answers.vault ?? (() => secretAnswer(SECRET)));
    cleanups.push(identity.close, vault.close);
    const header = settings.identityHeader === undefined ? IDENTITY_HEADER : settings.identityHeader;
    // App Service sets these for the process; the adapter reads them when it asks for a token.
    const restore = withProcessEnv({
      IDENTITY_ENDPOINT: `${identity.base}/msi/token`,
      ...(header === null ? {} : { IDENTITY_HEADER: header }),
    });
    cleanups.push(restore);
    const clientId = settings.clientId === undefined ? CLIENT_ID : settings.clientId;
    const running: RunningTarget = await azure.start({
      [WORKLOAD_EXTRA_ENV.originSecretKeyVaultUri]: `${vault.base}/secrets/origin-secret`,
      ...(clientId === null ? {} : { [WORKLOAD_EXTRA_ENV.azureClientId]: clientId }),
    });
    cleanups.push(async () => {
      await running.stop();
    });
    return { identity, vault, running };
  }

  const withSecret = (running: RunningTarget, secret = SECRET) =>
    running.send({ method: "GET", path: "/", headers: { [ORIGIN_SECRET.header]: secret } });
  const failingClosed = (running: RunningTarget) =>
    running.logLines().filter((line) => line.includes('"failing closed"'));

  it("asks for a Key Vault token for its user-assigned identity, then reads the secret with it, as documented", async () => {
    const { identity, vault, running } = await start();
    expect((await withSecret(running)).status).toBe(200);
    expect(identity.calls).toEqual([
      {
        path: "/msi/token",
        query: { resource: "https://vault.azure.net", "api-version": "2019-08-01", client_id: CLIENT_ID },
        headers: expect.objectContaining({ "x-identity-header": IDENTITY_HEADER }),
      },
    ]);
    expect(vault.calls).toEqual([
      {
        path: "/secrets/origin-secret",
        query: { "api-version": "7.4" },
        headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}` }),
      },
    ]);
  });

  it("checks requests against the value: the right one 200, a wrong or missing one 403, the health path open", async () => {
    const { running } = await start();
    // Concurrent first requests share one read.
    const first = await Promise.all([SECRET, "wrong", SECRET].map((s) => withSecret(running, s)));
    expect(first.map((r) => r.status)).toEqual([200, 403, 200]);
    expect((await running.send({ method: "GET", path: "/" })).status).toBe(403);
    expect((await running.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
    expect(running.logLines().join("\n")).not.toContain(SECRET);
    expect(running.logLines().join("\n")).not.toContain(TOKEN);
  });

  it("reads the vault once for many requests, and again once the value is 5 minutes old (a rotation is picked up)", async () => {
    let current = SECRET;
    const { identity, vault, running } = await start({ vault: () => secretAnswer(current) });
    const now = Date.now();
    const clock = jest.spyOn(Date, "now").mockReturnValue(now);
    const first = await Promise.all(Array.from({ length: 5 }, () => withSecret(running)));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    for (let i = 0; i < 10; i++) expect((await withSecret(running)).status).toBe(200);
    expect(vault.calls).toHaveLength(1);
    expect(identity.calls).toHaveLength(1);

    current = ROTATED;
    clock.mockReturnValue(now + FIVE_MINUTES - 1);
    expect((await withSecret(running)).status).toBe(200); // still the kept value
    expect(vault.calls).toHaveLength(1);
    clock.mockReturnValue(now + FIVE_MINUTES);
    expect((await withSecret(running, ROTATED)).status).toBe(200);
    expect((await withSecret(running, SECRET)).status).toBe(403);
    expect(vault.calls).toHaveLength(2);
  });

  it("fails closed once a re-read after 5 minutes fails, instead of serving the old value", async () => {
    let up = true;
    const { vault, running } = await start({
      vault: () => (up ? secretAnswer(SECRET) : { status: 503, body: '{"error":{"code":"ServiceUnavailable"}}' }),
    });
    const now = Date.now();
    const clock = jest.spyOn(Date, "now").mockReturnValue(now);
    expect((await withSecret(running)).status).toBe(200);
    up = false;
    clock.mockReturnValue(now + FIVE_MINUTES);
    expect((await withSecret(running)).status).toBe(503);
    expect(failingClosed(running)).toHaveLength(1);
    up = true;
    expect((await withSecret(running)).status).toBe(200);
    expect(vault.calls).toHaveLength(3);
  });

  it.each<[string, { identity?: () => FakeAnswer; vault?: () => FakeAnswer }, string]>([
    [
      "the identity endpoint answers 500",
      { identity: () => ({ status: 500, body: "{}" }) },
      "ManagedIdentityTokenError",
    ],
    [
      "the identity endpoint answers 401 (wrong X-IDENTITY-HEADER)",
      { identity: () => ({ status: 401, body: '{"error":"unauthorized"}' }) },
      "ManagedIdentityTokenError",
    ],
    [
      "the identity endpoint answers without a token",
      { identity: () => ({ status: 200, body: "{}" }) },
      "ManagedIdentityTokenError",
    ],
    [
      "the vault answers 403 (the identity holds no Key Vault Secrets User)",
      { vault: () => ({ status: 403, body: '{"error":{"code":"Forbidden"}}' }) },
      "KeyVaultSecretError",
    ],
    [
      "the vault answers 404 (no such secret)",
      { vault: () => ({ status: 404, body: '{"error":{"code":"SecretNotFound"}}' }) },
      "KeyVaultSecretError",
    ],
    [
      "the vault answers something other than JSON",
      { vault: () => ({ status: 200, body: "<html>" }) },
      "KeyVaultSecretError",
    ],
    [
      "the vault answers without a value",
      { vault: () => ({ status: 200, body: '{"id":"x"}' }) },
      "KeyVaultSecretError",
    ],
  ])(
    "fails closed when %s, logs why once without details, and reads again on the next request",
    async (_, broken, name) => {
      let healthy = false;
      const { identity, vault, running } = await start({
        identity: () => (healthy || broken.identity === undefined ? tokenAnswer() : broken.identity()),
        vault: () => (healthy || broken.vault === undefined ? secretAnswer(SECRET) : broken.vault()),
      });
      expect((await withSecret(running)).status).toBe(503);
      expect((await withSecret(running)).status).toBe(503);
      expect((await running.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
      const reasons = failingClosed(running);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toContain(name);
      expect(reasons[0]).not.toContain(vault.base);
      healthy = true;
      expect((await withSecret(running)).status).toBe(200);
      expect(identity.calls).toHaveLength(3);
    },
  );

  it.each([
    ["empty", ""],
    ["shorter than generated", SECRET.slice(1)],
    [
      "an unresolved Key Vault reference",
      "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/origin-secret/)",
    ],
  ])("fails closed when the vault's value is %s", async (_, value) => {
    const { running } = await start({ vault: () => secretAnswer(value) });
    expect((await withSecret(running, value)).status).toBe(503);
    expect((await withSecret(running)).status).toBe(503);
    expect(failingClosed(running)).toHaveLength(1);
  });

  it("fails closed when nothing listens on the identity endpoint", async () => {
    const { identity, running } = await start();
    await identity.close(); // a port that was just free: connection refused
    expect((await withSecret(running)).status).toBe(503);
    expect(failingClosed(running)[0]).toContain("ManagedIdentityTokenError");
  });

  it.each([
    ["without the identity's client id (the endpoint would pick the system identity)", { clientId: null }],
    ["without IDENTITY_HEADER", { identityHeader: null }],
  ])("fails closed %s, never asking the endpoint", async (_, settings) => {
    const { identity, vault, running } = await start({}, settings);
    expect((await withSecret(running)).status).toBe(503);
    expect(identity.calls).toEqual([]);
    expect(vault.calls).toEqual([]);
    expect(failingClosed(running)[0]).toContain("ManagedIdentityTokenError");
  });
});
