/**
 * A small fake of the GitLab API on 127.0.0.1, for the tests of the GitLab
 * clients and for the pipeline rehearsal (`npm run ci:rehearse`): the current
 * user, merge-request notes (list with offset pagination,
 * x-page/x-next-page/x-total-pages and Link headers as GitLab sends them;
 * create, edit, delete; each note has an author and only its author may edit
 * or delete it, as on GitLab), project issues (list filtered by state, label
 * and author; create; edit, close; comment), GitLab-managed Terraform state
 * (GET, POST, lock and unlock as OpenTofu's http backend calls them, with the
 * job token), deployments (created as a deployment job starts, listed per
 * environment), private-token auth, and scripted failure answers (429 with
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

/** One GitLab-managed Terraform state: its JSON (as the backend posted it) and its lock. */
export interface FakeState {
  state?: unknown;
  /** The lock info OpenTofu posted (`ID`, `Who`, ...); undefined when unlocked. */
  lock?: { readonly ID?: string } & Record<string, unknown>;
  /** How many times the state was written. */
  writes: number;
}

/** A deployment, as the rehearsal records it when a job with `environment:` runs. */
export interface FakeDeployment {
  readonly id: number;
  readonly environment: string;
  readonly sha: string;
  readonly ref: string;
  status: "running" | "success" | "failed";
  readonly deployable: { readonly name: string; readonly pipeline: { readonly id: number } };
}

export interface FakeGitLab {
  /** Base URL to pass as `host` (the API lives under /api/v4). */
  readonly url: string;
  readonly notes: FakeNote[];
  readonly issues: FakeIssue[];
  /** GitLab-managed Terraform states by name. */
  readonly states: Map<string, FakeState>;
  readonly deployments: FakeDeployment[];
  readonly requests: RecordedRequest[];
  /**
   * Answers to give, in order, before serving normally: a status, optionally
   * with headers, for any request or only for `method`; `afterHandling`
   * stores the change first, then answers the failure (an answer lost on the
   * way back).
   */
  readonly failures: {
    status: number;
    method?: string;
    /** Only requests whose path contains this. @default - any path */
    path?: string;
    headers?: Record<string, string>;
    afterHandling?: boolean;
    /** Never answer (the client times out). @default false */
    hang?: boolean;
  }[];
  close(): Promise<void>;
}

export interface FakeGitLabOptions {
  readonly projectId?: string;
  readonly mergeRequestIid?: number;
  readonly token?: string;
  /** `CI_JOB_TOKEN` the state API accepts (header JOB-TOKEN, or basic auth as gitlab-ci-token). @default "job-token" */
  readonly jobToken?: string;
  readonly notes?: readonly Omit<FakeNote, "id">[];
  readonly issues?: readonly Omit<FakeIssue, "iid">[];
}

function readBody(req: IncomingMessage): Promise<unknown> {
  // Lock and state bodies are JSON; forms (note, issue fields) are decoded the same way as GitLab does.
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
  const jobToken = options.jobToken ?? "job-token";
  const states = new Map<string, FakeState>();
  const deployments: FakeDeployment[] = [];
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
    const header = req.headers["private-token"] ?? jobTokenOf(req);
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body,
      token: Array.isArray(header) ? header[0] : header,
    });
    const index = failures.findIndex(
      (f) =>
        (f.method === undefined || f.method === req.method) && (f.path === undefined || url.pathname.includes(f.path)),
    );
    const failure = index === -1 ? undefined : failures.splice(index, 1)[0];
    if (failure?.hang === true) return;
    const scripted = failure && json(failure.status, { message: `scripted ${failure.status}` }, failure.headers);
    if (failure !== undefined && failure.afterHandling !== true) return send(res, scripted as Answer);
    const answer = handle(req.method ?? "GET", url, body, header);
    send(res, failure === undefined ? answer : (scripted as Answer));
  });

  /** The job token of a request: header JOB-TOKEN, or basic auth `gitlab-ci-token:<token>` (the http backend). */
  function jobTokenOf(req: IncomingMessage): string | undefined {
    const header = req.headers["job-token"];
    if (typeof header === "string") return header;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    if (basic === null) return undefined;
    const [user, password] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
    return user === "gitlab-ci-token" ? password : undefined;
  }

  function handle(method: string, url: URL, body: unknown, header: string | string[] | undefined): Answer {
    const state = new RegExp(`^${project}/terraform/state/([^/]+)(/lock)?$`).exec(url.pathname);
    if (state !== null) {
      if (header !== jobToken) return json(401, { message: "401 Unauthorized" });
      return handleState(method, decodeURIComponent(state[1]), state[2] === "/lock", body);
    }
    if (url.pathname === `${project}/deployments` && method === "GET") {
      if (header !== jobToken && header !== token) return json(401, { message: "401 Unauthorized" });
      const environment = url.searchParams.get("environment");
      const status = url.searchParams.get("status");
      const found = deployments.filter(
        (d) => (environment === null || d.environment === environment) && (status === null || d.status === status),
      );
      // Newest first, as the rehearsal and verify ask with order_by=id&sort=desc.
      return paged(url, [...found].reverse());
    }
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

  /** As GitLab's Terraform state API: 404 before the first write, 423 on a held lock, 409 on an unlock by another ID. */
  function handleState(method: string, name: string, lock: boolean, body: unknown): Answer {
    const entry = states.get(name) ?? { writes: 0 };
    if (lock) {
      if (method === "POST") {
        if (entry.lock !== undefined) return json(423, entry.lock);
        entry.lock = (body ?? {}) as FakeState["lock"];
        states.set(name, entry);
        return json(200, {});
      }
      if (method === "DELETE") {
        const id = (body as { ID?: string } | undefined)?.ID;
        if (entry.lock !== undefined && id !== undefined && entry.lock.ID !== id) return json(409, entry.lock);
        entry.lock = undefined;
        return json(200, {});
      }
    }
    if (method === "GET")
      return entry.state === undefined ? json(404, { message: "404 Not found" }) : json(200, entry.state);
    if (method === "POST") {
      entry.state = body;
      entry.writes++;
      states.set(name, entry);
      return json(200, {});
    }
    if (method === "DELETE") {
      states.delete(name);
      return json(200, {});
    }
    return json(405, { message: "405 Method Not Allowed" });
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
    states,
    deployments,
    requests,
    failures,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
