/**
 * Cloudflare's Analytics Engine SQL API, for the edge signal (ci/signal/cli.ts)
 * and verify's canary analysis (ci/release/main.ts): the only code that calls
 * it, so the query and its answer's shape stay in lib/edge/signal.ts.
 */
import { type OriginSignal, parseSignal } from "../../lib/edge/signal";

/** Cloudflare's API, unless a caller points elsewhere (`--api`, `CLOUDFLARE_API_URL`). */
export const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

/** Runs `sql` on the account's Analytics Engine SQL API; throws a readable error on a refusal or a bad answer. */
export async function querySignal(
  sql: string,
  target: { readonly api: string; readonly accountId: string; readonly token: string },
): Promise<OriginSignal[]> {
  const url = `${target.api.replace(/\/+$/, "")}/accounts/${target.accountId}/analytics_engine/sql`;
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${target.token}` },
    body: sql,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Cloudflare answered ${response.status}: ${text.slice(0, 300)}`);
  try {
    return parseSignal(JSON.parse(text));
  } catch (error) {
    throw new Error(`Cloudflare's answer is not the expected JSON: ${(error as Error).message}`);
  }
}
