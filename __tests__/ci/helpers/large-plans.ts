/**
 * The plan note's size properties, run at two sizes: a plan a few times the
 * note budget with a small budget in the fast tier (ci/render.test.ts), and
 * 12,000 and 50,000 changes against GitLab's own limit in the journeys
 * (journeys/plan-note-size.test.ts). The rendering does not depend on the
 * budget's value, only on what fits in it.
 */
import { GITLAB_NOTE_LIMIT, noteMarker, renderNotes } from "../../../ci/plan/render";
import { fixturePlan, generatedPlan } from "./plans";
import { expectToContainAll, REVIEW_PLAN_SHOWS, singleNote } from "./render";

/** A plan job's URL, as the notes link it. */
export const JOB_URL = "https://gitlab.example.net/group/blueprint/-/jobs/4242";

/** CPU milliseconds this process spent since `start` (unlike wall time, not inflated by other processes). */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Addresses named by list entries (`- **action** \`address\``) in the notes. */
export function listedAddresses(...notes: string[]): Set<string> {
  const found = new Set<string>();
  for (const note of notes) for (const match of note.matchAll(/^- \*\*[\w-]+\*\* `([^`]+)`/gm)) found.add(match[1]);
  return found;
}

/**
 * `count` changes (a multiple of 6: every action alike), each with 30 long attributes, in one note of at
 * most `maxLength`: every change listed, details dropped to fit and counted exactly, within 10 s of CPU
 * (catches quadratic work).
 */
export function expectDetailsDroppedToFit(count: number, maxLength = GITLAB_NOTE_LIMIT): void {
  const plan = generatedPlan(count, 30, 120);
  const started = process.cpuUsage();
  const note = singleNote(plan, { environment: "prod", jobUrl: JOB_URL, maxLength });
  const elapsed = cpuMs(started);
  expect(note.length).toBeLessThanOrEqual(maxLength);
  expect(note.length).toBeGreaterThan(maxLength * 0.9);
  const listed = listedAddresses(note);
  expect((plan.resource_changes ?? []).filter((rc) => !listed.has(rc.address))).toEqual([]);
  // The notice counts exactly: shown detail blocks + dropped ones = every change with detail.
  const notice =
    /:scissors: \*\*Details of (\d+) of (\d+) changes are not shown\*\* to stay under GitLab's 1,000,000-character note limit; every change is still listed above/.exec(
      note,
    );
  expect(notice).not.toBeNull();
  const details = note.slice(note.indexOf("#### Details"));
  const shown =
    (details.match(/^- \*\*(update|replace|delete)\*\* /gm) ?? []).length +
    (details.match(/^<summary>create /gm) ?? []).length;
  expect(Number(notice?.[1]) + shown).toBe(Number(notice?.[2]));
  expect(Number(notice?.[2])).toBe(count);
  expect(note).toContain(`the [plan job](${JOB_URL})'s log`);
  expect(note.startsWith(noteMarker("prod"))).toBe(true);
  // generatedPlan cycles create, update, delete-then-create, create-then-delete, delete, update.
  const sixth = count / 6;
  expect(note).toContain(`| ${sixth} | ${2 * sixth} | ${2 * sixth} | ${sixth} | 0 |`);
  expect(note).toContain(`**${sixth} resources will be destroyed**`);
  expect(note.match(/<details/g)?.length).toBe(note.match(/<\/details>/g)?.length);
  expect(note).not.toMatch(/SECRET-/);
  expect(elapsed).toBeLessThan(10_000);
}

/**
 * `count` changes, plus plan-review.json's drift and outputs, whose list does not fit one note of
 * `maxLength`: split over numbered notes (at most 10) that together list every change, within 10 s of CPU.
 */
export function expectListSplit(count: number, maxLength = GITLAB_NOTE_LIMIT): void {
  const plan = generatedPlan(count, 1, 10);
  plan.resource_drift = fixturePlan("plan-review.json").resource_drift;
  plan.output_changes = fixturePlan("plan-review.json").output_changes;
  const started = process.cpuUsage();
  const notes = renderNotes(plan, {
    environment: "prod",
    commitSha: "f".repeat(40),
    artifactUrl: "https://x/a",
    maxLength,
  });
  expect(cpuMs(started)).toBeLessThan(10_000);
  expect(notes.length).toBeGreaterThan(1);
  expect(notes.length).toBeLessThanOrEqual(10);
  for (const [i, note] of notes.entries()) {
    expect(note.length).toBeLessThanOrEqual(maxLength);
    expect(note.split("\n")[0]).toBe(noteMarker("prod", i + 1));
    expect(note.match(/<details/g)?.length ?? 0).toBe(note.match(/<\/details>/g)?.length ?? 0);
  }
  const all = notes.join("\n");
  const listed = listedAddresses(...notes);
  expect((plan.resource_changes ?? []).filter((rc) => !listed.has(rc.address))).toEqual([]);
  expectToContainAll(all, REVIEW_PLAN_SHOWS.sections);
  // Listed too: the review plan's drifted resource and its output changes.
  const total = count + (plan.resource_drift?.length ?? 0) + Object.keys(plan.output_changes ?? {}).length;
  expect(notes[0]).toContain(`**The list of ${total} changes is split over ${notes.length} notes** (this is part 1)`);
  expect(notes[1]).toContain(`### Plan for \`prod\` at \`ffffffff\`, part 2 of ${notes.length}`);
  expect(all).not.toContain(":scissors:");
  expect(all).not.toMatch(/SECRET-/);
}
