import { NoteApiError, type NoteTarget, publishNotes, type UpsertOptions } from "../../ci/gitlab/notes";
import { noteMarker, noteMarkerPrefix } from "../../ci/plan/render";
import { FAKE_USER_ID, type FakeGitLab, startFakeGitLab } from "../../ci/rehearse/fake-gitlab";

const MARKER = "<!-- multicloud-blueprint plan-note environment=dev -->";
const TOKEN = "glpat-test-token";

/** One note, as the plan note of an environment that fits in one note. */
async function upsertNote(target: NoteTarget, marker: string, body: string, options: UpsertOptions) {
  return (await publishNotes(target, [{ marker, body }], marker, options)).notes[0];
}

/** The requests made, as "METHOD user|notes". */
function calls(gitlab: FakeGitLab): string[] {
  return gitlab.requests.map((r) => `${r.method} ${r.path.endsWith("/user") ? "user" : "notes"}`);
}

/** Retry timing for tests: real retries, no real waiting; the delays asked for are recorded. */
function fastRetry(delays: number[] = []) {
  return {
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  };
}

describe("publishNotes against a local GitLab API", () => {
  let gitlab: FakeGitLab;
  afterEach(async () => gitlab.close());

  const target = () => ({ host: gitlab.url, projectId: "42", mergeRequestIid: 7, token: TOKEN });

  it("creates the note when the merge request has none for the environment", async () => {
    gitlab = await startFakeGitLab({
      notes: [
        { body: "LGTM", system: false },
        { body: "<!-- multicloud-blueprint plan-note environment=prod -->\nprod plan", system: false },
      ],
    });
    const result = await upsertNote(target(), MARKER, `${MARKER}\nplan v1`, fastRetry());
    expect(result.action).toBe("created");
    expect(gitlab.notes.map((n) => n.body)).toEqual([
      "LGTM",
      "<!-- multicloud-blueprint plan-note environment=prod -->\nprod plan",
      `${MARKER}\nplan v1`,
    ]);
    expect(gitlab.requests.every((r) => r.token === TOKEN)).toBe(true);
  });

  it("finds the existing note on a later page and edits it in place", async () => {
    const filler = Array.from({ length: 5 }, (_, i) => ({ body: `comment ${i}`, system: false }));
    gitlab = await startFakeGitLab({ notes: [...filler, { body: `${MARKER}\nplan v1`, system: false }] });
    const result = await upsertNote(target(), MARKER, `${MARKER}\nplan v2`, { ...fastRetry(), perPage: 2 });
    expect(result).toEqual({ action: "updated", noteId: 1005 });
    expect(gitlab.notes).toHaveLength(6);
    expect(gitlab.notes[5].body).toBe(`${MARKER}\nplan v2`);
    const pages = gitlab.requests
      .filter((r) => r.method === "GET" && r.path.endsWith("/notes"))
      .map((r) => r.query.get("page"));
    expect(pages).toEqual(["1", "2", "3"]);
    expect(gitlab.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
  });

  it("leaves an identical note alone", async () => {
    gitlab = await startFakeGitLab({ notes: [{ body: `${MARKER}\nsame`, system: false }] });
    const result = await upsertNote(target(), MARKER, `${MARKER}\nsame`, fastRetry());
    expect(result).toEqual({ action: "unchanged", noteId: 1000 });
    expect(calls(gitlab)).toEqual(["GET user", "GET notes"]);
  });

  it("ignores system notes and notes that only quote the marker", async () => {
    gitlab = await startFakeGitLab({
      notes: [
        { body: `${MARKER}\nsystem`, system: true },
        { body: `> ${MARKER}\nquoted in a reply`, system: false },
      ],
    });
    const result = await upsertNote(target(), MARKER, `${MARKER}\nplan`, fastRetry());
    expect(result.action).toBe("created");
    expect(gitlab.notes[0].body).toBe(`${MARKER}\nsystem`);
    expect(gitlab.notes[1].body).toBe(`> ${MARKER}\nquoted in a reply`);
  });

  it("retries 429 (honouring Retry-After) and 500 answers, then succeeds", async () => {
    gitlab = await startFakeGitLab({ notes: [{ body: `${MARKER}\nold`, system: false }] });
    gitlab.failures.push({ status: 429, headers: { "retry-after": "2" } }, { status: 500 }, { status: 503 });
    const delays: number[] = [];
    const result = await upsertNote(target(), MARKER, `${MARKER}\nnew`, { ...fastRetry(delays), attempts: 5 });
    expect(result.action).toBe("updated");
    expect(gitlab.notes[0].body).toBe(`${MARKER}\nnew`);
    expect(delays[0]).toBe(2000); // Retry-After of the 429
    expect(delays).toHaveLength(3); // after the 429, the 500 and the 503
    expect(calls(gitlab)).toEqual(["GET user", "GET user", "GET user", "GET user", "GET notes", "PUT notes"]);
  });

  it("does not post twice when GitLab stored a note but answered 500", async () => {
    gitlab = await startFakeGitLab();
    // The create is stored, then answered 500: the retry lists again, finds it, and leaves it.
    gitlab.failures.push({ status: 500, method: "POST", afterHandling: true });
    const result = await upsertNote(target(), MARKER, `${MARKER}\nplan`, fastRetry());
    expect(result.action).toBe("unchanged");
    expect(gitlab.notes).toHaveLength(1);
    expect(calls(gitlab)).toEqual(["GET user", "GET notes", "POST notes", "GET user", "GET notes"]);
  });

  it("gives up after the configured attempts with a readable error", async () => {
    gitlab = await startFakeGitLab();
    for (let i = 0; i < 3; i += 1) gitlab.failures.push({ status: 500 });
    const delays: number[] = [];
    const attempt = upsertNote(target(), MARKER, `${MARKER}\nplan`, {
      ...fastRetry(delays),
      attempts: 3,
      baseDelayMs: 100,
    });
    await expect(attempt).rejects.toThrow(NoteApiError);
    await expect(attempt).rejects.toThrow(/kept failing after 3 attempts: HTTP 500/);
    expect(delays).toHaveLength(2);
    // Exponential backoff with ±50% jitter: ~100 ms, then ~200 ms.
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThan(150);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThan(300);
  });

  it("does not retry a refusal (403) and says why", async () => {
    gitlab = await startFakeGitLab();
    gitlab.failures.push({ status: 403 });
    const delays: number[] = [];
    await expect(upsertNote(target(), MARKER, `${MARKER}\nplan`, fastRetry(delays))).rejects.toThrow(
      /GitLab refused the request: HTTP 403.*scripted 403/,
    );
    expect(delays).toEqual([]);
    expect(gitlab.requests).toHaveLength(1);
  });

  it("reports a wrong token as a refusal", async () => {
    gitlab = await startFakeGitLab();
    await expect(
      upsertNote({ ...target(), token: "wrong" }, MARKER, `${MARKER}\nplan`, fastRetry()),
    ).rejects.toMatchObject({ name: "NoteApiError", status: 401 });
  });

  it("retries when nothing listens, then fails as a network error", async () => {
    gitlab = await startFakeGitLab();
    const host = gitlab.url;
    await gitlab.close();
    gitlab = await startFakeGitLab(); // for afterEach
    const delays: number[] = [];
    await expect(
      upsertNote({ ...target(), host }, MARKER, `${MARKER}\nplan`, { ...fastRetry(delays), attempts: 2 }),
    ).rejects.toThrow(/kept failing after 2 attempts: network error/);
    expect(delays).toHaveLength(1);
  });

  it("never edits a note with the marker written by someone else: it creates its own", async () => {
    gitlab = await startFakeGitLab({
      notes: [{ body: `${MARKER}\nan old plan, posted by another token`, system: false, authorId: FAKE_USER_ID + 1 }],
    });
    const result = await publishNotes(
      target(),
      [{ marker: MARKER, body: `${MARKER}\nplan` }],
      noteMarkerPrefix("dev"),
      fastRetry(),
    );
    expect(result.notes[0].action).toBe("created");
    expect(result.foreign).toBe(1);
    expect(gitlab.notes.map((n) => n.body)).toEqual([
      `${MARKER}\nan old plan, posted by another token`,
      `${MARKER}\nplan`,
    ]);
    // Nothing was even tried on the foreign note (GitLab would answer 403).
    expect(gitlab.requests.filter((r) => r.method === "PUT" || r.method === "DELETE")).toEqual([]);
    // The next push updates its own note, still leaving the foreign one alone.
    const again = await publishNotes(
      target(),
      [{ marker: MARKER, body: `${MARKER}\nplan 2` }],
      noteMarkerPrefix("dev"),
      fastRetry(),
    );
    expect(again.notes[0]).toEqual({ action: "updated", noteId: result.notes[0].noteId });
    expect(gitlab.notes).toHaveLength(2);
  });

  it("keeps numbered notes in place and deletes continuations no longer needed", async () => {
    gitlab = await startFakeGitLab({ notes: [{ body: "LGTM", system: false }] });
    const parts = (n: number, text: string) =>
      Array.from({ length: n }, (_, i) => ({
        marker: noteMarker("dev", i + 1),
        body: `${noteMarker("dev", i + 1)}\n${text} ${i + 1}`,
      }));
    const first = await publishNotes(target(), parts(3, "v1"), noteMarkerPrefix("dev"), fastRetry());
    expect(first.notes.map((n) => n.action)).toEqual(["created", "created", "created"]);
    const ids = first.notes.map((n) => n.noteId);
    const second = await publishNotes(target(), parts(3, "v2"), noteMarkerPrefix("dev"), fastRetry());
    expect(second.notes).toEqual(ids.map((noteId) => ({ action: "updated", noteId })));
    const third = await publishNotes(target(), parts(1, "v3"), noteMarkerPrefix("dev"), fastRetry());
    expect(third).toMatchObject({ notes: [{ action: "updated", noteId: ids[0] }], removed: 2 });
    expect(gitlab.notes.map((n) => n.body)).toEqual(["LGTM", `${noteMarker("dev", 1)}\nv3 1`]);
    // Another environment's notes are not of the family.
    expect(noteMarker("dev-eu").startsWith(noteMarkerPrefix("dev"))).toBe(false);
    expect(noteMarker("dev", 2).startsWith(noteMarkerPrefix("dev"))).toBe(true);
  });
});
