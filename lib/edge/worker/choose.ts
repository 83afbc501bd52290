/**
 * Sticky weighted choice by rendezvous hashing (highest random weight).
 *
 * Each origin gets a score from a hash of (client key, origin id); the client
 * goes to the best score, and on failure to the next one. The order depends
 * only on the key, the ids and the weights, so a client keeps its origin while
 * weights are unchanged, across isolates and deploys, with no shared state.
 * Changing one weight moves only the clients that must move, which is what
 * makes a canary share a share of users rather than of requests.
 */
import type { EdgeOrigin } from "./contract";

/** 32-bit FNV-1a, finished with murmur3's fmix32 so similar keys (user-1, user-2) spread. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Origins with a positive weight, best first for this client key. The first
 * element is chosen with probability weight / total over random keys; the rest
 * is the failover order.
 */
export function rankOrigins<T extends EdgeOrigin>(origins: readonly T[], key: string): T[] {
  const scored: { origin: T; score: number }[] = [];
  for (const origin of origins) {
    if (!(origin.weight > 0)) continue;
    // Uniform in (0, 1), never 0 so the logarithm stays finite.
    const u = (hash32(`${key}\u0000${origin.id}`) + 0.5) / 4294967296;
    // Exponential race: the smallest -ln(u)/w wins with probability w / sum(w).
    scored.push({ origin, score: -Math.log(u) / origin.weight });
  }
  // Ties (practically never) break by id so the order never depends on the input order.
  scored.sort((a, b) => (a.score !== b.score ? a.score - b.score : a.origin.id < b.origin.id ? -1 : 1));
  return scored.map((entry) => entry.origin);
}
