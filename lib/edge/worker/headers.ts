/**
 * The request headers an origin receives. Whatever a client sent about its
 * own identity or the edge's is dropped and rebuilt from what Cloudflare
 * itself vouches for (`CF-Connecting-IP`) and from configuration (the public
 * host), so an origin can trust `X-Forwarded-For`, `X-Real-IP`, `Forwarded`
 * and `X-Forwarded-Host`. `True-Client-IP` is not kept: one header per fact.
 */
import { ORIGIN_SECRET } from "../../service";

/** Connection-level headers that must not be forwarded (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Headers proxies use to tell an origin who the client is and what it asked for; only the Worker sets them. */
const CLIENT_IDENTITY = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-server",
  "x-real-ip",
  "forwarded",
  "true-client-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "client-ip",
  "x-original-forwarded-for",
];

/** An IPv4 or IPv6 address as Cloudflare writes it; anything else is not passed on. */
const IP = /^[0-9A-Fa-f:.]{2,45}$/;

/** The client's headers as the origin should see them: no Host (fetch sets it from the origin URL), the secret added. */
export function originHeaders(from: Headers, incoming: URL, publicHost: string, secret: string): Headers {
  const headers = new Headers(from);
  for (const name of [...HOP_BY_HOP, ...CLIENT_IDENTITY, "host"]) headers.delete(name);
  // cf-* are Cloudflare's own request headers; the runtime adds the real ones to subrequests.
  for (const name of [...headers.keys()]) if (name.startsWith("cf-")) headers.delete(name);
  const proto = incoming.protocol.slice(0, -1);
  const given = from.get("cf-connecting-ip");
  const client = given !== null && IP.test(given) ? given : null;
  if (client !== null) {
    headers.set("x-forwarded-for", client);
    headers.set("x-real-ip", client);
  }
  headers.set("forwarded", forwarded(client, publicHost, proto));
  headers.set("x-forwarded-host", publicHost);
  headers.set("x-forwarded-proto", proto);
  // Replaces anything a client sent under the same name.
  headers.set(ORIGIN_SECRET.header, secret);
  return headers;
}

/** RFC 7239 `Forwarded`: IPv6 addresses quoted in brackets, an unknown client as `unknown`. */
function forwarded(client: string | null, host: string, proto: string): string {
  const node = client === null ? "unknown" : client.includes(":") ? `"[${client}]"` : client;
  return `for=${node};host=${host};proto=${proto}`;
}
