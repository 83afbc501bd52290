/**
 * What the Worker never tells a client, in workerd: which origin served
 * (unless the routing table asks for debug headers), and the origin secret,
 * even when an origin echoes it in a header or in its body, split across
 * chunks or not: the body stops before it. A body without the secret passes
 * unchanged.
 */
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { ATTEMPTS_HEADER, HEALTH_PATH, SERVED_BY_HEADER } from "../../lib/edge/worker/contract";
import { ORIGIN_SECRET } from "../../lib/service";
import { type Behaviour, headerText, sharedPerFile, TEST_SECRET } from "./helpers";

jest.setTimeout(30_000);

/**
 * The file's tests share one workerd (see sharedPerFile). Each echo test
 * waits for its own "carried the origin secret" log line, so none is left to arrive during the next test.
 */
const { origin, edge } = sharedPerFile();

/** An origin that writes `parts` (made from the secret it received) as separate chunks. */
function chunked(parts: (secret: string) => readonly string[]): Behaviour {
  return (req, res) => {
    const secret = String(req.headers[ORIGIN_SECRET.header] ?? "");
    res.writeHead(200, { "content-type": "text/plain", "x-echo": `got ${secret}` });
    const chunks = [...parts(secret)];
    const next = () => {
      const chunk = chunks.shift();
      if (chunk === undefined) return void res.end();
      res.write(chunk);
      setTimeout(next, 20);
    };
    next();
  };
}

/** The body as far as the client got it: a cut stream ends the read with an error. */
async function readAll(response: Response): Promise<{ text: string; cut: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  const text = () => Buffer.concat(chunks).toString("utf8");
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text(), cut: false };
      chunks.push(value);
    }
  } catch {
    return { text: text(), cut: true };
  }
}

describe("which origin served", () => {
  it.each([
    [false, null],
    [true, "aws.container"],
  ] as const)("debugHeaders %s: %s header", async (debugHeaders, expected) => {
    const served = await origin(
      "aws.container",
      chunked(() => ["origin body"]),
    );
    const worker = await edge([served], { debugHeaders });
    const response = await worker.fetch("/");
    expect(response.status).toBe(200);
    expect(response.headers.get(SERVED_BY_HEADER)).toBe(expected);
    expect(response.headers.get(ATTEMPTS_HEADER)).toBe("1");
    expect(await response.text()).toBe("origin body");
  });
});

describe("an origin that echoes the secret", () => {
  const half = Math.floor(TEST_SECRET.length / 2);
  it.each([
    ["in one chunk", (s: string) => [`{"debug":"${s}"}`]],
    ["split across chunks", (s: string) => ["start ", s.slice(0, half), s.slice(half), " end"]],
    ["one byte at a time", (s: string) => ["x", ...s.split(""), "y"]],
    ["after a large body", (s: string) => ["a".repeat(200_000), s]],
  ])("%s: the client never receives it (the body stops short) and the Worker says why", async (_, parts) => {
    const echoing = await origin("aws.container", chunked(parts));
    const worker = await edge([echoing]);
    const response = await worker.fetch("/");
    expect(headerText(response)).not.toContain(TEST_SECRET);
    expect(response.headers.get("x-echo")).toBeNull();
    // workerd ends the response where the stream failed: the client gets a short body, never the secret.
    const { text } = await readAll(response);
    const sent = parts(TEST_SECRET).join("");
    expect(sent.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(sent.indexOf(TEST_SECRET) + 1);
    expect(text.includes(TEST_SECRET)).toBe(false);
    // Not even the first half of it made it out.
    expect(text.includes(TEST_SECRET.slice(0, half))).toBe(false);
    await new Promise((wake) => setTimeout(wake, 100));
    expect(worker.logs()).toContain("origin response carried the origin secret");
    expect(worker.logs()).toContain("aws.container");
    expect(worker.logs()).not.toContain(TEST_SECRET);
  });

  it("passes a body without the secret unchanged, even one ending in part of it", async () => {
    const body = ["b".repeat(100_000), "c".repeat(70_000), TEST_SECRET.slice(0, -1)];
    const served = await origin(
      "aws.container",
      chunked(() => body),
    );
    const worker = await edge([served]);
    const response = await worker.fetch("/");
    expect(response.status).toBe(200);
    const { text, cut } = await readAll(response);
    expect(cut).toBe(false);
    // Compared as a boolean: a failure must not print 170 kB.
    expect(text.length).toBe(body.join("").length);
    expect(text === body.join("")).toBe(true);
  });
});

describe("an origin secret binding that is not a generated value", () => {
  it.each([
    [
      "an unresolved Key Vault reference",
      "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/origin-secret/)",
    ],
    ["a template never rendered", ["$", "{random_password.origin.result}"].join("")],
    ["shorter than the generated length", "x".repeat(ORIGIN_SECRET_LENGTH - 1)],
  ])("%s: the edge fails closed (503) and never sends it, saying why in its logs only", async (_, secret) => {
    const worker = await edge(
      [
        await origin(
          "aws.function",
          chunked(() => ["origin body"]),
        ),
      ],
      { secret },
    );
    const response = await worker.fetch("/");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: "edge_unavailable" });
    expect((await worker.fetch(HEALTH_PATH)).status).toBe(503);
    await new Promise((wake) => setTimeout(wake, 100));
    expect(worker.logs()).toContain("binding ORIGIN_SECRET: ORIGIN_SECRET is");
    expect(worker.logs()).not.toContain(secret);
  });
});
