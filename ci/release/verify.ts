/**
 * After a deploy: does the new release answer, healthy, through the edge and
 * on each origin? Every target is polled until its health path answers 200
 * and `GET /` reports the expected release (id, and digest when given), or
 * until the deadline; the result is one table row per target.
 *
 * Origins are reached directly with the origin secret (`x-origin-secret`),
 * which the job reads from the environment's state (the `origin_secret`
 * output) like any state reader; nothing else can reach them, so the secret
 * is not weakened. During a canary a target answers with the new release on
 * only its share of requests: polling until one answer reports it proves the
 * new release serves there.
 */
import { formatColumns } from "../../tools/columns";

export interface VerifyTarget {
  /** `edge` or an origin id (`aws.function`, ...). */
  readonly name: string;
  /** HTTPS base URL. */
  readonly url: string;
  /** Headers for `GET /` (the origin secret for origins, none for the edge). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Expected {
  readonly id: string;
  readonly digest?: string;
}

export interface VerifyOptions {
  readonly healthPath: string;
  /** Total time allowed, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between attempts on one target, in milliseconds. */
  readonly intervalMs: number;
  /** Time limit of one request, in milliseconds. */
  readonly requestTimeoutMs: number;
}

export interface TargetResult {
  readonly name: string;
  readonly ok: boolean;
  /** Last health status (`-` when never answered). */
  readonly health: string;
  /** Release id `GET /` reported last (`-` when none). */
  readonly release: string;
  /** ok, or what went wrong last. */
  readonly detail: string;
  readonly attempts: number;
}

interface Attempt {
  readonly ok: boolean;
  readonly health: string;
  readonly release: string;
  readonly detail: string;
}

async function get(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
}

function failure(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  return `unreachable (${err.cause?.code ?? err.message})`;
}

async function attempt(target: VerifyTarget, expected: Expected, options: VerifyOptions): Promise<Attempt> {
  const base = target.url.replace(/\/+$/, "");
  let health = "-";
  try {
    const response = await get(`${base}${options.healthPath}`, target.headers ?? {}, options.requestTimeoutMs);
    await response.arrayBuffer();
    health = String(response.status);
    if (response.status !== 200) return { ok: false, health, release: "-", detail: `health answered ${health}` };
  } catch (error) {
    return { ok: false, health, release: "-", detail: failure(error, options.requestTimeoutMs) };
  }
  try {
    const response = await get(`${base}/`, target.headers ?? {}, options.requestTimeoutMs);
    const body = (await response.json().catch(() => ({}))) as { release?: { id?: unknown; digest?: unknown } };
    if (response.status !== 200)
      return { ok: false, health, release: "-", detail: `GET / answered ${response.status}` };
    const id = typeof body.release?.id === "string" ? body.release.id : "-";
    const digest = typeof body.release?.digest === "string" ? body.release.digest : undefined;
    if (id !== expected.id) return { ok: false, health, release: id, detail: `release ${id}, expected ${expected.id}` };
    if (expected.digest !== undefined && digest !== expected.digest) {
      return { ok: false, health, release: id, detail: `image ${digest ?? "-"}, expected ${expected.digest}` };
    }
    return { ok: true, health, release: id, detail: "ok" };
  } catch (error) {
    return { ok: false, health, release: "-", detail: failure(error, options.requestTimeoutMs) };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls one target until it passes or the deadline passes. */
export async function verifyTarget(
  target: VerifyTarget,
  expected: Expected,
  options: VerifyOptions,
  deadline: number,
): Promise<TargetResult> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const last = await attempt(target, expected, options);
    if (last.ok || Date.now() + options.intervalMs >= deadline) {
      return { name: target.name, attempts, ...last };
    }
    await sleep(options.intervalMs);
  }
}

/** Every target in parallel, results in the order given. */
export async function verifyAll(
  targets: readonly VerifyTarget[],
  expected: Expected,
  options: VerifyOptions,
): Promise<TargetResult[]> {
  const deadline = Date.now() + options.timeoutMs;
  return Promise.all(targets.map((target) => verifyTarget(target, expected, options, deadline)));
}

/** The per-target table printed by `verify:<env>`. */
export function formatTable(results: readonly TargetResult[]): string {
  const rows = [
    ["target", "health", "release", "attempts", "result"],
    ...results.map((r) => [r.name, r.health, r.release, String(r.attempts), r.ok ? "ok" : `FAIL: ${r.detail}`]),
  ];
  return formatColumns(rows);
}
