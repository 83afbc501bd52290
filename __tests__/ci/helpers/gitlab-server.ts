/**
 * A small fake of the GitLab API on 127.0.0.1: the current user, merge-request
 * notes (list with offset pagination, x-page/x-next-page/x-total-pages and
 * Link headers as GitLab sends them; create, edit, delete; each note has an
 * author and only its author may edit or delete it, as on GitLab), project
 * issues (list filtered by state, label and author; create; edit, close;
 * comment), private-token auth, and scripted failure answers (429 with
 * Retry-After, 500, 403, ...).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeNote {
  id: number;
  body: string;
  system: boolean;
  /** User id of the author. @default the token's user */
  authorId?: number;
}

export interface FakeIssue {
  iid: number;
  title: string;
  description: string;
  labels: string[];
  state: "opened" | "closed";
  authorId: number;
  comments: string[];
}

/** User id of the token the fake accepts. */
export const FAKE_USER_ID = 11;

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
  readonly issues: FakeIssue[];
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
  readonly issues?: readonly Omit<FakeIssue, "iid">[];
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
  const notes: FakeNote[] = (options.notes ?? []).map((note, i) => ({
    ...note,
    id: 1000 + i,
    authorId: note.authorId ?? FAKE_USER_ID,
  }));
  const issues: FakeIssue[] = (options.issues ?? []).map((issue, i) => ({ ...issue, iid: 1 + i }));
  const requests: RecordedRequest[] = [];
  const failures: FakeGitLab["failures"] = [];
  let nextId = 5000;
  const project = `/api/v4/projects/${encodeURIComponent(projectId)}`;
  const base = `${project}/merge_requests/${iid}/notes`;
  const author = (id: number | undefined) => ({ id: id ?? FAKE_USER_ID, username: `user${id ?? FAKE_USER_ID}` });
  const noteJson = (note: FakeNote) => ({ ...note, author: author(note.authorId) });
  const issueJson = (issue: FakeIssue) => ({ ...issue, author: author(issue.authorId) });

  /** One page of `items` with GitLab's pagination headers. */
  function paged<T>(url: URL, items: readonly T[]): Answer {
    const page = Number(url.searchParams.get("page") ?? "1");
    const perPage = Number(url.searchParams.get("per_page") ?? "20");
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const next = page < totalPages ? String(page + 1) : "";
    const link = (p: number) =>
      `<http://127.0.0.1${url.pathname}?page=${p}&per_page=${perPage}>; rel="${p === page + 1 ? "next" : p === 1 ? "first" : "last"}"`;
    const links = [...(next !== "" ? [link(page + 1)] : []), link(1), link(totalPages)];
    return json(200, slice, {
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-next-page": next,
      "x-prev-page": page > 1 ? String(page - 1) : "",
      "x-total": String(items.length),
      "x-total-pages": String(totalPages),
      link: links.join(", "),
    });
  }

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

    if (url.pathname === "/api/v4/user" && method === "GET") return json(200, author(FAKE_USER_ID));
    if (url.pathname === base && method === "GET") return paged(url, notes.map(noteJson));
    if (url.pathname === base && method === "POST") {
      const text = (body as { body?: string } | undefined)?.body;
      if (typeof text !== "string") return json(400, { message: "body is missing" });
      const note = { id: nextId++, body: text, system: false, authorId: FAKE_USER_ID };
      notes.push(note);
      return json(201, noteJson(note));
    }
    const match = new RegExp(`^${base}/(\\d+)$`).exec(url.pathname);
    if (match !== null && (method === "PUT" || method === "DELETE")) {
      const note = notes.find((n) => n.id === Number(match[1]));
      if (note === undefined) return json(404, { message: "404 Not found" });
      // As on GitLab: only the author may change a note.
      if (note.authorId !== FAKE_USER_ID) return json(403, { message: "403 Forbidden" });
      if (method === "DELETE") {
        notes.splice(notes.indexOf(note), 1);
        return json(204, "");
      }
      const text = (body as { body?: string } | undefined)?.body;
      if (typeof text !== "string") return json(400, { message: "body is missing" });
      note.body = text;
      return json(200, noteJson(note));
    }
    return handleIssues(method, url, body);
  }

  function handleIssues(method: string, url: URL, body: unknown): Answer {
    const fields = (body ?? {}) as Record<string, string | undefined>;
    if (url.pathname === `${project}/issues` && method === "GET") {
      const state = url.searchParams.get("state");
      const label = url.searchParams.get("labels");
      const authorId = url.searchParams.get("author_id");
      const found = issues.filter(
        (issue) =>
          (state === null || state === "all" || issue.state === state) &&
          (label === null || issue.labels.includes(label)) &&
          (authorId === null || issue.authorId === Number(authorId)),
      );
      return paged(url, found.map(issueJson));
    }
    if (url.pathname === `${project}/issues` && method === "POST") {
      if (typeof fields.title !== "string") return json(400, { message: "title is missing" });
      const issue: FakeIssue = {
        iid: issues.length + 1,
        title: fields.title,
        description: fields.description ?? "",
        labels: (fields.labels ?? "").split(",").filter((l) => l !== ""),
        state: "opened",
        authorId: FAKE_USER_ID,
        comments: [],
      };
      issues.push(issue);
      return json(201, issueJson(issue));
    }
    const match = new RegExp(`^${project}/issues/(\\d+)(/notes)?$`).exec(url.pathname);
    const issue = match === null ? undefined : issues.find((i) => i.iid === Number(match[1]));
    if (match !== null && issue === undefined) return json(404, { message: "404 Issue Not Found" });
    if (issue !== undefined && match?.[2] === "/notes" && method === "POST") {
      if (typeof fields.body !== "string") return json(400, { message: "body is missing" });
      issue.comments.push(fields.body);
      return json(201, { id: nextId++, body: fields.body, author: author(FAKE_USER_ID) });
    }
    if (issue !== undefined && match?.[2] === undefined && method === "PUT") {
      if (fields.title !== undefined) issue.title = fields.title;
      if (fields.description !== undefined) issue.description = fields.description;
      if (fields.state_event === "close") issue.state = "closed";
      if (fields.state_event === "reopen") issue.state = "opened";
      return json(200, issueJson(issue));
    }
    return json(404, { message: "404 Not found" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notes,
    issues,
    requests,
    failures,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
