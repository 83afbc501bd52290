/**
 * The client's routing key: the sticky header's value when configured and
 * present, else the id in the Worker's signed cookie, else a new random id
 * sent back in a new signed cookie. The key feeds `rankOrigins`, so a client
 * keeps its origin while the weights are unchanged.
 *
 * The cookie is `<id>.<signature>`, the signature an HMAC-SHA256 of the id
 * under the Worker's STICKY_KEY: a client cannot write an id of its choosing
 * (and so pick its origin), and an unsigned or tampered cookie is ignored
 * and replaced. A cookie signed by the previous key (STICKY_KEY_PREVIOUS,
 * after a rotation) is still honoured and re-signed with the current one, so
 * rotating the key moves no cookie client. Sticky header values are keyed
 * with the current key's HMAC, so which origin a value lands on cannot be
 * computed offline (and a rotation moves header-pinned clients once).
 */
import { STICKY_COOKIE } from "./contract";

/** A random id from `crypto.randomUUID()`. */
const COOKIE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** One year: a client keeps its origin until weights change, not until the browser session ends. */
const COOKIE_MAX_AGE = 31536000;

export interface ClientKey {
  readonly key: string;
  /** `Set-Cookie` value, when the client had no valid routing cookie, or one signed by the previous key. */
  readonly setCookie?: string;
}

/** Key for a sticky header value's HMAC; prefixed so it can never collide with a cookie id. */
export function headerKey(mac: string): string {
  return `h:${mac}`;
}

/** Key for a routing cookie id. */
export function cookieKey(id: string): string {
  return `c:${id}`;
}

/** `keys`: current first, then the previous one. */
export async function clientKey(
  request: Request,
  stickyHeader: string | undefined,
  keys: readonly string[],
): Promise<ClientKey> {
  const pinned = stickyHeader === undefined ? null : request.headers.get(stickyHeader);
  if (pinned !== null && pinned !== "") return { key: headerKey(await hmac(keys[0], `header\u0000${pinned}`)) };
  const existing = readCookie(request.headers.get("cookie"), STICKY_COOKIE);
  const verified = existing === undefined ? undefined : await verifyCookie(existing, keys);
  if (verified !== undefined && verified.signedBy === 0) return { key: cookieKey(verified.id) };
  const id = verified?.id ?? crypto.randomUUID();
  return { key: cookieKey(id), setCookie: await stickyCookie(id, keys[0]) };
}

/** The `Set-Cookie` value for `id` signed with `key`. */
export async function stickyCookie(id: string, key: string): Promise<string> {
  return `${STICKY_COOKIE}=${await signCookie(id, key)}; Path=/; Max-Age=${COOKIE_MAX_AGE}; Secure; HttpOnly; SameSite=Lax`;
}

/** The cookie value for `id`: `<id>.<base64url HMAC-SHA256>`. */
export async function signCookie(id: string, key: string): Promise<string> {
  return `${id}.${await hmac(key, `cookie\u0000${id}`)}`;
}

/** The id of a well-formed cookie whose signature matches one of `keys`, with the index of that key. */
async function verifyCookie(
  value: string,
  keys: readonly string[],
): Promise<{ id: string; signedBy: number } | undefined> {
  const dot = value.indexOf(".");
  const id = value.slice(0, dot);
  if (dot < 0 || !COOKIE_ID.test(id)) return undefined;
  const given = value.slice(dot + 1);
  for (let i = 0; i < keys.length; i++) {
    if (equalInConstantTime(given, (await signCookie(id, keys[i])).slice(dot + 1))) return { id, signedBy: i };
  }
  return undefined;
}

/** Imported keys by key text: an isolate signs with the same one or two keys for its whole life. */
const imported = new Map<string, ReturnType<typeof crypto.subtle.importKey>>();

async function hmac(key: string, message: string): Promise<string> {
  let cryptoKey = imported.get(key);
  if (cryptoKey === undefined) {
    cryptoKey = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    if (imported.size > 4) imported.clear();
    imported.set(key, cryptoKey);
  }
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await cryptoKey, new TextEncoder().encode(message)));
  return base64url(mac);
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Compares without an early exit, so timing says nothing about how much of a signature matched. */
function equalInConstantTime(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
