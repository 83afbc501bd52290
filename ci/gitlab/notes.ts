/**
 * Creates or updates ("upserts") merge-request notes through the GitLab API
 * with @gitbeaker/rest. A note is found by its hidden marker on its first
 * line among the notes of the token's own user, so each environment keeps
 * its note (and numbered continuations), edited in place on every push.
 *
 * Retries: the whole upsert (list, then create or edit) is retried on 429,
 * any 5xx, timeouts and network errors, with exponential backoff and jitter,
 * honouring `Retry-After`; other answers (401, 403, 404, ...) are refusals.
 * Retrying the whole upsert, not the single call, means a create that GitLab
 * stored but answered with an error is found by the next list, never posted
 * twice.
 */
import { createRequesterFn, type FormattedResponse } from "@gitbeaker/requester-utils";
import { type MergeRequestNoteSchema, MergeRequestNotes, type OffsetPagination, Users } from "@gitbeaker/rest";

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

/** Options every gitbeaker resource of these helpers gets: the single-attempt request handler. */
export function apiOptions(target: Pick<NoteTarget, "host" | "token">, timeoutMs = 30_000) {
  return { host: target.host.replace(/\/+$/, ""), token: target.token, queryTimeout: timeoutMs, requesterFn };
}

/** The id of the user the token belongs to: only what that user wrote is ever edited. */
export async function currentUserId(target: Pick<NoteTarget, "host" | "token">, timeoutMs?: number): Promise<number> {
  const user = await new Users<false>(apiOptions(target, timeoutMs)).showCurrentUser();
  return user.id;
}

/** Every page of an offset-paginated GitLab list. */
export async function allPages<T>(
  list: (page: number) => Promise<{ data: T[]; paginationInfo: OffsetPagination }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const response = await list(page);
    items.push(...response.data);
    page = response.paginationInfo.next;
  }
  return items;
}

/** One note to publish: its hidden marker (its first line) and its whole text. */
export interface NoteBody {
  readonly marker: string;
  readonly body: string;
}

export interface PublishResult {
  /** What happened to each note, in the order given. */
  readonly notes: readonly UpsertResult[];
  /** Earlier notes of the same family no longer needed (a shorter split), deleted. */
  readonly removed: number;
  /** Notes carrying one of the markers but written by someone else, left alone. */
  readonly foreign: number;
}

/**
 * Makes the merge request carry exactly `notes`, each found by its marker
 * among the notes the token's own user wrote, edited in place or created.
 * A note with the same marker by another author is never edited (GitLab
 * would refuse, and it may be someone quoting the marker): a new note is
 * created. Notes of the same family (starting with `familyPrefix`) by the
 * same user that are no longer needed are deleted.
 */
export async function publishNotes(
  target: NoteTarget,
  notes: readonly NoteBody[],
  familyPrefix: string,
  options: UpsertOptions = {},
): Promise<PublishResult> {
  for (const note of notes) {
    if (!note.body.startsWith(note.marker)) throw new Error("publishNotes: each body must start with its marker");
    if (!note.marker.startsWith(familyPrefix)) throw new Error("publishNotes: each marker must start with the prefix");
  }
  const api = new MergeRequestNotes<false>(apiOptions(target, options.timeoutMs));
  const perPage = options.perPage ?? 100;
  return withRetry(async () => {
    const me = await currentUserId(target, options.timeoutMs);
    const existing = await allPages((page) =>
      api.all(target.projectId, target.mergeRequestIid, {
        sort: "asc",
        orderBy: "created_at",
        page,
        perPage,
        showExpanded: true,
      }),
    );
    const family = existing.filter(
      (note: MergeRequestNoteSchema) =>
        !note.system && typeof note.body === "string" && note.body.startsWith(familyPrefix),
    );
    const firstLine = (body: string) => body.split("\n", 1)[0];
    const mine = family.filter((note) => note.author?.id === me);
    const results: UpsertResult[] = [];
    const used = new Set<number>();
    for (const note of notes) {
      const found = mine.find((candidate) => firstLine(candidate.body) === note.marker && !used.has(candidate.id));
      if (found === undefined) {
        const created = await api.create(target.projectId, target.mergeRequestIid, note.body);
        results.push({ action: "created", noteId: created.id });
        continue;
      }
      used.add(found.id);
      if (found.body === note.body) results.push({ action: "unchanged", noteId: found.id });
      else {
        await api.edit(target.projectId, target.mergeRequestIid, found.id, { body: note.body });
        results.push({ action: "updated", noteId: found.id });
      }
    }
    let removed = 0;
    for (const stale of mine.filter((note) => !used.has(note.id))) {
      await api.remove(target.projectId, target.mergeRequestIid, stale.id);
      removed += 1;
    }
    return { notes: results, removed, foreign: family.length - mine.length };
  }, options);
}
