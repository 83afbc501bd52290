/**
 * The client's routing key: the sticky header's value when configured and
 * present, else the Worker's cookie, else a new random key sent back in a new
 * cookie. The key feeds `rankOrigins`, so a client keeps its origin while the
 * weights are unchanged.
 */
import { STICKY_COOKIE } from "./contract";

/** A client routing key: random, so it says nothing about the client. */
const COOKIE_VALUE = /^[0-9a-f-]{36}$/;
/** One year: a client keeps its origin until weights change, not until the browser session ends. */
const COOKIE_MAX_AGE = 31536000;

export interface ClientKey {
  readonly key: string;
  /** `Set-Cookie` value, when the client had no routing cookie yet. */
  readonly setCookie?: string;
}

/** Key for a sticky header value; prefixed so a header value can never collide with a cookie id. */
export function headerKey(value: string): string {
  return `h:${value}`;
}

/** Key for a routing cookie id. */
export function cookieKey(id: string): string {
  return `c:${id}`;
}

export function clientKey(request: Request, stickyHeader: string | undefined): ClientKey {
  const pinned = stickyHeader === undefined ? null : request.headers.get(stickyHeader);
  if (pinned !== null && pinned !== "") return { key: headerKey(pinned) };
  const existing = readCookie(request.headers.get("cookie"), STICKY_COOKIE);
  if (existing !== undefined && COOKIE_VALUE.test(existing)) return { key: cookieKey(existing) };
  const id = crypto.randomUUID();
  return {
    key: cookieKey(id),
    setCookie: `${STICKY_COOKIE}=${id}; Path=/; Max-Age=${COOKIE_MAX_AGE}; Secure; HttpOnly; SameSite=Lax`,
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
