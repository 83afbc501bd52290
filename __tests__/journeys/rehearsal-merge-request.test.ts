/**
 * The pipeline rehearsal (`npm run ci:rehearse`) of merge requests: the
 * committed pipeline plans and posts its notes, a fork's merge request
 * passes without credentials, and a GitLab that refuses notes (403) fails
 * each note job, naming it. The other kinds: rehearsal-default-branch and
 * rehearsal-broken.test.ts (helpers/rehearsal.ts says why they are split).
 */
import { noteMarker } from "../../ci/plan/render";
import { shippedEnvironments } from "../helpers/environments";
import { outcome, run, TIMEOUT } from "./helpers/rehearsal";

const configs = shippedEnvironments();

describe("pipeline rehearsal: merge requests", () => {
  it(
    "merge request: builds, synthesizes, validates, plans and posts one note per planned environment",
    async () => {
      const result = await run({ kind: "merge-request" });
      expect(result.problems).toEqual([]);
      const planned = configs.filter((env) => !env.protect);
      for (const env of planned) {
        expect(outcome(result, `plan:${env.name}`)).toBe("success");
        expect(result.gitlab.notes.filter((n) => n.body.startsWith(noteMarker(env.name)))).toHaveLength(1);
      }
      for (const env of configs.filter((e) => e.protect)) {
        expect(result.jobs.map((j) => j.name)).not.toContain(`plan:${env.name}`);
      }
      expect(result.gitlab.notes).toHaveLength(planned.length);
    },
    TIMEOUT,
  );

  it(
    "merge request with GitLab refusing notes (403): each note job fails, naming itself",
    async () => {
      const result = await run({ kind: "merge-request", notesRefused: 403 });
      for (const env of configs.filter((e) => !e.protect)) {
        expect(outcome(result, `plan-comment:${env.name}`)).toBe("failed");
        expect(result.problems).toContain(`job plan-comment:${env.name} failed`);
      }
      expect(result.gitlab.notes).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "fork-merge-request: passes",
    async () => {
      const result = await run({ kind: "fork-merge-request" });
      expect(result.problems).toEqual([]);
      expect(outcome(result, "fork-notice")).toBe("success");
      expect(result.gitlab.states.size).toBe(0);
    },
    TIMEOUT,
  );
});
