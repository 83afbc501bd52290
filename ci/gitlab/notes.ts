/**
 * Creates or updates ("upserts") one merge-request note through the GitLab
 * API with @gitbeaker/rest. The note is found by its hidden marker on its
 * first line, so each environment keeps one note, edited in place on every
 * push.
 *
 * Retries: the whole upsert (list, then create or edit) is retried on 429,
 * any 5xx, timeouts and network errors, with exponential backoff and jitter,
 * honouring `Retry-After`; other answers (401, 403, 404, ...) are refusals.
 * Retrying the whole upsert, not the single call, means a create that GitLab
 * stored but answered with an error is found by the next list, never posted
 * twice.
 */
import { createRequesterFn, type FormattedResponse } from "@gitbeaker/requester-utils";
import { type MergeRequestNoteSchema, MergeRequestNotes, type OffsetPagination } from "@gitbeaker/rest";

/** The GitLab API refused or kept failing; the caller degrades to printing the note. */
export class NoteApiError extends Error {
  override readonly name = "NoteApiError";
  constructor(
    message: string,
    /** HTTP status of the last answer. @default - no answer (network error) */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface NoteTarget {
  /** GitLab base URL, e.g. `https://gitlab.com` (CI_SERVER_URL); the API is under `/api/v4`. */
  readonly host: string;
  /** Project id or URL-encoded path (CI_PROJECT_ID). */
  readonly projectId: string | number;
  /** Merge request iid (CI_MERGE_REQUEST_IID). */
  readonly mergeRequestIid: number;
  /** Project access token with `api` scope. Never logged. */
  readonly token: string;
}

export interface RetryOptions {
  /** Total tries of the upsert, the first included. @default 5 */
  readonly attempts?: number;
  /** Delay before the first retry, doubled each time, with ±50% jitter. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest single delay, including a server's Retry-After. @default 30000 */
  readonly maxDelayMs?: number;
  /** Waits `ms` milliseconds (tests pass a recorder). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry, for the job log. @default - silent */
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
}

export interface UpsertOptions extends RetryOptions {
  /** Notes requested per page while looking for the marker. @default 100 (GitLab's maximum) */
  readonly perPage?: number;
  /** Request timeout in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
}

export interface UpsertResult {
  readonly action: "created" | "updated" | "unchanged";
  readonly noteId: number;
}

interface Failure {
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly message: string;
}

/** A non-2xx answer, with what the retry policy needs. */
class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * gitbeaker's request handler with one attempt per call: its built-in one
 * retries 429/502 within ~0.25 s and ignores Retry-After, so retries are left
 * to `withRetry` alone, one policy for every failure.
 */
async function singleAttempt(endpoint: string, options: Record<string, unknown> = {}): Promise<FormattedResponse> {
  const { prefixUrl, searchParams, method, headers, body, signal } = options as {
    prefixUrl?: string;
    searchParams?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  };
  const url = new URL(endpoint, prefixUrl?.endsWith("/") ? prefixUrl : `${prefixUrl ?? ""}/`);
  url.search = searchParams ?? "";
  const response = await fetch(url, { method, headers, body, signal });
  const text = await response.text();
  const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
  if (!response.ok) {
    let description = text;
    if (isJson) {
      try {
        const data = JSON.parse(text) as { message?: unknown; error?: unknown };
        description = JSON.stringify(data.message ?? data.error ?? data);
      } catch {
        description = text;
      }
    }
    const seconds = Number(response.headers.get("retry-after"));
    throw new HttpError(
      response.status,
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      `HTTP ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}: ${description.slice(0, 300)}`,
    );
  }
  return {
    body: response.status === 204 || text === "" ? null : isJson ? JSON.parse(text) : text,
    headers: Object.fromEntries(response.headers.entries()),
    status: response.status,
  };
}

const requesterFn = createRequesterFn((_, options) => Promise.resolve(options), singleAttempt);

/** Whether and how to retry whatever a request threw. */
function describeFailure(error: unknown): Failure {
  if (error instanceof HttpError) {
    return {
      retryable: error.status === 429 || error.status >= 500,
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      message: error.message,
    };
  }
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError")
    return { retryable: true, message: "request timed out" };
  // fetch() network failures are TypeErrors ("fetch failed") with the system error as cause.
  if (err.name === "TypeError") {
    return { retryable: true, message: `network error: ${err.cause?.code ?? err.cause?.message ?? err.message}` };
  }
  return { retryable: false, message: err.message ?? String(error) };
}

/**
 * Runs `operation` until it succeeds, a non-retryable error occurs, or
 * `attempts` are used up; failures end as a NoteApiError.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure.retryable) throw new NoteApiError(`GitLab refused the request: ${failure.message}`, failure.status);
      if (attempt >= attempts) {
        throw new NoteApiError(`GitLab kept failing after ${attempts} attempts: ${failure.message}`, failure.status);
      }
      const backoff = base * 2 ** (attempt - 1) * (0.5 + Math.random());
      const delay = Math.min(max, failure.retryAfterMs ?? backoff);
      options.onRetry?.(attempt, delay, failure.message);
      await sleep(delay);
    }
  }
}

/** The first note written by a person or a bot (not a system note) whose body starts with `marker`. */
async function findNote(
  api: MergeRequestNotes<false>,
  target: NoteTarget,
  marker: string,
  perPage: number,
): Promise<{ id: number; body: string } | undefined> {
  // Page by page (x-next-page), oldest first, stopping at the first match.
  for (let page: number | null = 1; page !== null; ) {
    const response: { data: MergeRequestNoteSchema[]; paginationInfo: OffsetPagination } = await api.all(
      target.projectId,
      target.mergeRequestIid,
      {
        sort: "asc",
        orderBy: "created_at",
        page,
        perPage,
        showExpanded: true,
      },
    );
    const found = response.data.find(
      (note) => !note.system && typeof note.body === "string" && note.body.startsWith(marker),
    );
    if (found !== undefined) return { id: found.id, body: found.body };
    page = response.paginationInfo.next;
  }
  return undefined;
}

/**
 * Makes the merge request carry exactly one note starting with `marker`,
 * with `body` (which must start with the marker) as its text.
 */
export async function upsertNote(
  target: NoteTarget,
  marker: string,
  body: string,
  options: UpsertOptions = {},
): Promise<UpsertResult> {
  if (!body.startsWith(marker)) throw new Error("upsertNote: the body must start with its marker");
  const api = new MergeRequestNotes<false>({
    host: target.host.replace(/\/+$/, ""),
    token: target.token,
    queryTimeout: options.timeoutMs ?? 30_000,
    requesterFn,
  });
  return withRetry(async () => {
    const existing = await findNote(api, target, marker, options.perPage ?? 100);
    if (existing === undefined) {
      const created = await api.create(target.projectId, target.mergeRequestIid, body);
      return { action: "created", noteId: created.id };
    }
    if (existing.body === body) return { action: "unchanged", noteId: existing.id };
    await api.edit(target.projectId, target.mergeRequestIid, existing.id, { body });
    return { action: "updated", noteId: existing.id };
  }, options);
}
