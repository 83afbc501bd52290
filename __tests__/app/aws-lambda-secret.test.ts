/**
 * The Lambda zip reads its origin secret through AWS's Parameters and Secrets
 * Lambda Extension: a stand-in for the extension listens on localhost (an
 * ephemeral port, passed as the extension's documented
 * PARAMETERS_SECRETS_EXTENSION_HTTP_PORT) and answers real HTTP, as the layer
 * does inside the sandbox. The zip itself runs as shipped (targets.ts).
 */
import { WORKLOAD_EXTRA_ENV } from "../../app/contract";
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { company } from "../../environments/company";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import { type FakeAnswer, type FakeCall, startFakeHttp } from "./fake-http";
import { type RunningTarget, TARGETS, withProcessEnv } from "./targets";

jest.setTimeout(30_000);

const SECRET = "lambda-origin-secret-4c0ffee5d1".padEnd(ORIGIN_SECRET_LENGTH, "0"); // as generated
const PARAMETER = `/${company.service}/test/function/${ORIGIN_SECRET.envVar}`;
const SESSION_TOKEN = "session-token-of-this-sandbox";

/** The extension's GET endpoint on localhost: records each call, answers with `answer`. */
const startExtension = (answer: (call: FakeCall) => FakeAnswer) => startFakeHttp(answer, "localhost");

const parameterAnswer = (value: string) => ({
  status: 200,
  body: JSON.stringify({ Parameter: { Name: PARAMETER, Type: "SecureString", Value: value, Version: 1 } }),
});

describe("aws-lambda: the origin secret through the Parameters and Secrets extension", () => {
  const lambda = TARGETS.find((t) => t.name === "aws-lambda") as (typeof TARGETS)[number];
  let cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  /** The zip started with Lambda's variables: the extension's port, the sandbox's session token. */
  async function start(port: number, sessionToken: string | null = SESSION_TOKEN): Promise<RunningTarget> {
    const previousToken = process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_SESSION_TOKEN;
    const restore = withProcessEnv({
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      ...(sessionToken === null ? {} : { AWS_SESSION_TOKEN: sessionToken }),
    });
    const running = await lambda.start({ [WORKLOAD_EXTRA_ENV.originSecretParameter]: PARAMETER });
    cleanups.push(async () => {
      await running.stop();
      restore();
      if (previousToken === undefined) delete process.env.AWS_SESSION_TOKEN;
      else process.env.AWS_SESSION_TOKEN = previousToken;
    });
    return running;
  }

  const withSecret = (running: RunningTarget, secret = SECRET) =>
    running.send({ method: "GET", path: "/", headers: { [ORIGIN_SECRET.header]: secret } });
  const failingClosed = (running: RunningTarget) =>
    running.logLines().filter((line) => line.includes('"failing closed"'));

  it("asks the extension as AWS documents: the parameter's name encoded, decrypted, with the session token", async () => {
    const extension = await startExtension(() => parameterAnswer(SECRET));
    cleanups.push(extension.close);
    const running = await start(extension.port);
    expect((await withSecret(running)).status).toBe(200);
    expect(extension.calls).toEqual([
      {
        path: "/systemsmanager/parameters/get",
        query: { name: PARAMETER, withDecryption: "true" },
        headers: expect.objectContaining({ "x-aws-parameters-secrets-token": SESSION_TOKEN }),
      },
    ]);
  });

  it("reads the secret once per cold start, keeps it for every later request, and checks requests against it", async () => {
    const extension = await startExtension(() => parameterAnswer(SECRET));
    cleanups.push(extension.close);
    const running = await start(extension.port);
    // Concurrent first requests share one read.
    const first = await Promise.all([SECRET, SECRET, "wrong", SECRET].map((s) => withSecret(running, s)));
    expect(first.map((r) => r.status)).toEqual([200, 200, 403, 200]);
    for (let i = 0; i < 10; i++) expect((await withSecret(running)).status).toBe(200);
    expect(extension.calls).toHaveLength(1);
    expect(running.logLines().join("\n")).not.toContain(SECRET);
  });

  it.each([
    ["answers 503", { status: 503, body: '{"message":"service unavailable"}' }],
    ["answers 400 (no such parameter)", { status: 400, body: '{"__type":"ParameterNotFound"}' }],
    ["answers 200 without a value", { status: 200, body: "{}" }],
    ["answers something other than JSON", { status: 200, body: "<html>" }],
  ])("fails closed while the extension %s, logs why once without details, and recovers", async (_, broken) => {
    let healthy = false;
    const extension = await startExtension(() => (healthy ? parameterAnswer(SECRET) : broken));
    cleanups.push(extension.close);
    const running = await start(extension.port);
    expect((await withSecret(running)).status).toBe(503);
    expect((await withSecret(running)).status).toBe(503);
    expect((await running.send({ method: "GET", path: SERVICE.healthPath })).status).toBe(200);
    const reasons = failingClosed(running);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("ParametersExtensionError");
    expect(reasons[0]).not.toContain(PARAMETER);
    // Every failed read is retried on the next request, and the first good answer is kept.
    healthy = true;
    expect((await withSecret(running)).status).toBe(200);
    expect((await withSecret(running)).status).toBe(200);
    expect(extension.calls).toHaveLength(3);
  });

  it("fails closed when nothing listens on the extension's port", async () => {
    const extension = await startExtension(() => parameterAnswer(SECRET));
    await extension.close(); // a port that was just free: connection refused
    const running = await start(extension.port);
    expect((await withSecret(running)).status).toBe(503);
    expect(failingClosed(running)).toHaveLength(1);
  });

  it("fails closed without a session token, never asking the extension unauthenticated", async () => {
    const extension = await startExtension(() => parameterAnswer(SECRET));
    cleanups.push(extension.close);
    const running = await start(extension.port, null);
    expect((await withSecret(running)).status).toBe(503);
    expect(extension.calls).toEqual([]);
    expect(failingClosed(running)[0]).toContain("ParametersExtensionError");
  });
});
