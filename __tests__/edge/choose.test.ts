/** The Worker's choice and stickiness logic, run in Node on many keys (the Worker runs the same code). */
import { randomUUID } from "node:crypto";
import { rankOrigins } from "../../lib/edge/worker/choose";
import type { EdgeOrigin } from "../../lib/edge/worker/contract";
import { clientKey, cookieKey, headerKey, signCookie, stickyCookie } from "../../lib/edge/worker/sticky";

const origin = (id: string, weight: number): EdgeOrigin => ({
  id,
  url: `https://${id.replace(".", "-")}.example.net`,
  weight,
});

/** Percent of keys whose first choice is each origin. */
function shares(origins: readonly EdgeOrigin[], keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) {
    const first = rankOrigins(origins, key)[0].id;
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, n]) => [id, (100 * n) / keys.length]));
}

const DEV_WEIGHTS = [
  origin("aws.function", 20),
  origin("aws.container", 15),
  origin("azure.function", 20),
  origin("azure.container", 15),
  origin("gcp.function", 15),
  origin("gcp.container", 15),
];

describe("rankOrigins", () => {
  it("matches the weights within ±2 points over 10,000 random cookie keys and 10,000 sequential user ids", () => {
    // ±2 points is at least 5 standard deviations for every share at n = 10,000.
    const random = Array.from({ length: 10_000 }, () => cookieKey(randomUUID()));
    const sequential = Array.from({ length: 10_000 }, (_, i) => headerKey(`user-${i}`));
    for (const keys of [random, sequential]) {
      const got = shares(DEV_WEIGHTS, keys);
      for (const { id, weight } of DEV_WEIGHTS) expect(Math.abs(got[id] - weight)).toBeLessThanOrEqual(2);
    }
  });

  it("is a pure function of key, ids and weights: the input order does not matter", () => {
    const reversed = [...DEV_WEIGHTS].reverse();
    for (let i = 0; i < 200; i++) {
      const key = cookieKey(randomUUID());
      const ranked = rankOrigins(DEV_WEIGHTS, key).map((o) => o.id);
      expect(rankOrigins(reversed, key).map((o) => o.id)).toEqual(ranked);
      expect(rankOrigins(DEV_WEIGHTS, key).map((o) => o.id)).toEqual(ranked);
      expect(new Set(ranked).size).toBe(DEV_WEIGHTS.length);
    }
  });

  it("leaves out origins of weight 0, and gives nothing when every weight is 0", () => {
    const origins = [origin("aws.function", 0), origin("gcp.function", 3)];
    expect(rankOrigins(origins, "k").map((o) => o.id)).toEqual(["gcp.function"]);
    expect(rankOrigins([origin("aws.function", 0)], "k")).toEqual([]);
    expect(rankOrigins([], "k")).toEqual([]);
  });

  it("moves only the clients that must move when a canary share shrinks", () => {
    // A canary going from 10% to 5%: users on the stable origin stay, half the canary users move back.
    const before = [origin("aws.function", 90), origin("aws.container", 10)];
    const after = [origin("aws.function", 95), origin("aws.container", 5)];
    const keys = Array.from({ length: 10_000 }, (_, i) => headerKey(`user-${i}`));
    let moved = 0;
    for (const key of keys) {
      const was = rankOrigins(before, key)[0].id;
      const now = rankOrigins(after, key)[0].id;
      if (was !== now) moved++;
      if (was === "aws.function" && now !== was) throw new Error(`${key} left the stable origin`);
    }
    expect((100 * moved) / keys.length).toBeGreaterThan(4);
    expect((100 * moved) / keys.length).toBeLessThan(6);
  });

  it("sends clients only to a new origin when one is added, never between the existing ones", () => {
    const before = [origin("aws.function", 50), origin("gcp.function", 50)];
    const after = [...before, origin("azure.function", 25)];
    for (let i = 0; i < 5_000; i++) {
      const key = headerKey(`user-${i}`);
      const was = rankOrigins(before, key)[0].id;
      const now = rankOrigins(after, key)[0].id;
      if (now !== was) expect(now).toBe("azure.function");
    }
  });
});

describe("clientKey", () => {
  const KEY = "k".repeat(40);
  const OLD_KEY = "o".repeat(40);
  const request = (headers: Record<string, string>) => new Request("https://api.example.net/", { headers });
  const idOf = (setCookie: string | undefined) =>
    /^edge_client=([0-9a-f-]{36})\.[A-Za-z0-9_-]{43}; /.exec(setCookie ?? "")?.[1];

  it("uses the sticky header first, keyed by the HMAC so the mapping cannot be computed without the key", async () => {
    const signed = await signCookie(randomUUID(), KEY);
    const key = await clientKey(request({ "x-user-id": "alice", cookie: `edge_client=${signed}` }), "x-user-id", [KEY]);
    expect(key.setCookie).toBeUndefined();
    expect(key.key).toMatch(/^h:/);
    expect(key.key).not.toContain("alice");
    const again = await clientKey(request({ "x-user-id": "alice" }), "x-user-id", [KEY]);
    expect(again.key).toBe(key.key);
    expect((await clientKey(request({ "x-user-id": "alice" }), "x-user-id", [OLD_KEY])).key).not.toBe(key.key);
  });

  it("uses a cookie it signed, among other cookies, and does not set it again", async () => {
    const id = randomUUID();
    const signed = await signCookie(id, KEY);
    expect(await clientKey(request({ cookie: `a=1; edge_client=${signed}; b=2` }), undefined, [KEY])).toEqual({
      key: cookieKey(id),
    });
  });

  it("honours a cookie signed by the previous key and re-signs it with the current one", async () => {
    const id = randomUUID();
    const old = await signCookie(id, OLD_KEY);
    const key = await clientKey(request({ cookie: `edge_client=${old}` }), undefined, [KEY, OLD_KEY]);
    expect(key.key).toBe(cookieKey(id));
    expect(key.setCookie).toBe(await stickyCookie(id, KEY));
    // Once the old key is gone, the old cookie is worth nothing.
    expect((await clientKey(request({ cookie: `edge_client=${old}` }), undefined, [KEY])).key).not.toBe(cookieKey(id));
  });

  it("ignores unsigned, tampered and foreign-key cookies, giving a new random id and its signed cookie", async () => {
    const id = randomUUID();
    const signed = await signCookie(id, KEY);
    const other = randomUUID();
    const forged = [
      id,
      `${id}.`,
      "../../etc",
      `${other}${signed.slice(id.length)}`,
      `${id}.${"A".repeat(43)}`,
      `${signed.slice(0, -1)}${signed.endsWith("A") ? "B" : "A"}`,
      await signCookie(id, "another-key-of-sufficient-length-0123456789"),
    ];
    for (const value of forged) {
      const key = await clientKey(request({ cookie: `edge_client=${value}` }), "x-user-id", [KEY]);
      const fresh = idOf(key.setCookie);
      expect(fresh).toBeDefined();
      expect(fresh).not.toBe(id);
      expect(fresh).not.toBe(other);
      expect(key.key).toBe(cookieKey(fresh as string));
    }
    const empty = await clientKey(request({ "x-user-id": "" }), "x-user-id", [KEY]);
    expect(idOf(empty.setCookie)).toBeDefined();
  });
});
