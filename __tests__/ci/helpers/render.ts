/**
 * Shared by the tests of rendered plan notes: one note of a plan, a check for
 * many expected lines at once, and what the note of plan-review.json (every
 * kind of change) must show however it is rendered: whole, cut to the note
 * budget or split over several notes.
 */
import type { Plan } from "../../../ci/plan/plan";
import { type NoteOptions, renderNotes } from "../../../ci/plan/render";

/** The plan as one note; fails the test when it would be split. */
export function singleNote(plan: Plan, options: NoteOptions): string {
  const notes = renderNotes(plan, options);
  expect(notes).toHaveLength(1);
  return notes[0];
}

/** Fails on the first of `parts` that `text` does not contain. */
export function expectToContainAll(text: string, parts: readonly string[]): void {
  for (const part of parts) expect(text).toContain(part);
}

/** Lines of plan-review.json's changes, as its note shows them. */
export const REVIEW_PLAN_SHOWS = {
  /** The Google role change, which forces a replacement. */
  roleChange: '`role`: `"roles/viewer"` → `"roles/owner"` **(forces replacement)**',
  /** The Cloudflare DNS record pointed somewhere else. */
  dnsChange: '`content`: `"origin-a.blueprint.test"` → `"attacker.invalid"`',
  /** The security group rule changed outside Terraform. */
  driftChange: '`ingress[0].cidr_blocks[0]`: `"10.20.0.0/16"` → `"0.0.0.0/0"`',
  /** The sections of its drift and its output changes. */
  sections: ["#### Changes outside Terraform (1)", "#### Output changes (3)"],
} as const;
