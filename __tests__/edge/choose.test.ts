/** The Worker's choice and stickiness logic, run in Node on many keys (the Worker runs the same code). */
import { randomUUID } from "node:crypto";
import { rankOrigins } from "../../lib/edge/worker/choose";
import type { EdgeOrigin } from "../../lib/edge/worker/contract";
import { clientKey, cookieKey, headerKey } from "../../lib/edge/worker/sticky";

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
  const request = (headers: Record<string, string>) => new Request("https://api.example.net/", { headers });

  it("uses the sticky header first, and sets no cookie then", () => {
    const id = randomUUID();
    const key = clientKey(request({ "x-user-id": "alice", cookie: `edge_client=${id}` }), "x-user-id");
    expect(key).toEqual({ key: headerKey("alice") });
  });

  it("uses the routing cookie among other cookies, and does not set it again", () => {
    const id = randomUUID();
    expect(clientKey(request({ cookie: `a=1; edge_client=${id}; b=2` }), undefined)).toEqual({ key: cookieKey(id) });
    expect(clientKey(request({ cookie: `edge_client=${id}` }), "x-user-id")).toEqual({ key: cookieKey(id) });
  });

  it("gives a new random key and its cookie otherwise, also for a forged cookie value", () => {
    const cases: Record<string, string>[] = [{}, { cookie: "edge_client=../../etc" }, { "x-user-id": "" }];
    for (const headers of cases) {
      const key = clientKey(request(headers), "x-user-id");
      const id = /^edge_client=([0-9a-f-]{36}); /.exec(key.setCookie ?? "")?.[1];
      expect(id).toBeDefined();
      expect(key.key).toBe(cookieKey(id as string));
    }
    expect(clientKey(request({}), undefined).key).not.toBe(clientKey(request({}), undefined).key);
  });
});
