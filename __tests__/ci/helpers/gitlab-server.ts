/**
 * A small fake of GitLab's merge-request notes API on 127.0.0.1: list (offset
 * pagination with x-page/x-next-page/x-total-pages and Link headers, as
 * GitLab sends them), create and edit, private-token auth, and scripted
 * failure answers (429 with Retry-After, 500, 403, ...).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeNote {
  id: number;
  body: string;
  system: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly token: string | undefined;
}

export interface FakeGitLab {
  /** Base URL to pass as `host` (the API lives under /api/v4). */
  readonly url: string;
  readonly notes: FakeNote[];
  readonly requests: RecordedRequest[];
  /**
   * Answers to give, in order, before serving normally: a status, optionally
   * with headers, for any request or only for `method`; `afterHandling`
   * stores the change first, then answers the failure (an answer lost on the
   * way back).
   */
  readonly failures: { status: number; method?: string; headers?: Record<string, string>; afterHandling?: boolean }[];
  close(): Promise<void>;
}

export interface FakeGitLabOptions {
  readonly projectId?: string;
  readonly mergeRequestIid?: number;
  readonly token?: string;
  readonly notes?: readonly Omit<FakeNote, "id">[];
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", reject);
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text === "") return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(Object.fromEntries(new URLSearchParams(text)));
      }
    });
  });
}

interface Answer {
  readonly status: number;
  readonly data: unknown;
  readonly headers?: Record<string, string>;
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
  res.end(JSON.stringify(answer.data));
}

function json(status: number, data: unknown, headers: Record<string, string> = {}): Answer {
  return { status, data, headers };
}

export async function startFakeGitLab(options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
  const projectId = options.projectId ?? "42";
  const iid = options.mergeRequestIid ?? 7;
  const token = options.token ?? "glpat-test-token";
  const notes: FakeNote[] = (options.notes ?? []).map((note, i) => ({ ...note, id: 1000 + i }));
  const requests: RecordedRequest[] = [];
  const failures: FakeGitLab["failures"] = [];
  let nextId = 5000;
  const base = `/api/v4/projects/${encodeURIComponent(projectId)}/merge_requests/${iid}/notes`;

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const header = req.headers["private-token"];
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body,
      token: Array.isArray(header) ? header[0] : header,
    });
    const index = failures.findIndex((f) => f.method === undefined || f.method === req.method);
    const failure = index === -1 ? undefined : failures.splice(index, 1)[0];
    const scripted = failure && json(failure.status, { message: `scripted ${failure.status}` }, failure.headers);
    if (failure !== undefined && failure.afterHandling !== true) return send(res, scripted as Answer);
    const answer = handle(req.method ?? "GET", url, body, header);
    send(res, failure === undefined ? answer : (scripted as Answer));
  });

  function handle(method: string, url: URL, body: unknown, header: string | string[] | undefined): Answer {
    if (header !== token) return json(401, { message: "401 Unauthorized" });

    if (url.pathname === base && method === "GET") {
      const page = Number(url.searchParams.get("page") ?? "1");
      const perPage = Number(url.searchParams.get("per_page") ?? "20");
      const totalPages = Math.max(1, Math.ceil(notes.length / perPage));
      const slice = notes.slice((page - 1) * perPage, page * perPage);
      const next = page < totalPages ? String(page + 1) : "";
      const link = (p: number) =>
        `<http://127.0.0.1${base}?page=${p}&per_page=${perPage}&sort=asc&order_by=created_at>; rel="${p === page + 1 ? "next" : p === 1 ? "first" : "last"}"`;
      const links = [...(next !== "" ? [link(page + 1)] : []), link(1), link(totalPages)];
      return json(200, slice, {
        "x-page": String(page),
        "x-per-page": String(perPage),
        "x-next-page": next,
        "x-prev-page": page > 1 ? String(page - 1) : "",
        "x-total": String(notes.length),
        "x-total-pages": String(totalPages),
        link: links.join(", "),
      });
    }
    if (url.pathname === base && method === "POST") {
      const text = (body as { body?: string } | undefined)?.body;
      if (typeof text !== "string") return json(400, { message: "body is missing" });
      const note = { id: nextId++, body: text, system: false };
      notes.push(note);
      return json(201, note);
    }
    const match = new RegExp(`^${base}/(\\d+)$`).exec(url.pathname);
    if (match !== null && method === "PUT") {
      const note = notes.find((n) => n.id === Number(match[1]));
      const text = (body as { body?: string } | undefined)?.body;
      if (note === undefined) return json(404, { message: "404 Not found" });
      if (typeof text !== "string") return json(400, { message: "body is missing" });
      note.body = text;
      return json(200, note);
    }
    return json(404, { message: "404 Not found" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notes,
    requests,
    failures,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
