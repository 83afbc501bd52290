/**
 * The pipeline rehearsal (`npm run ci:rehearse`) of merge requests: the
 * committed pipeline plans and posts its notes, a fork's merge request
 * passes without credentials, and a GitLab that refuses notes (403) fails
 * each note job, naming it. The refusing GitLab branches from the first
 * rehearsal before its first note job (rehearse.ts, `branches`): the build,
 * synth, validate and plan jobs run once for both (and a branch that starts
 * after a job asked what it changes is refused). The other kinds:
 * rehearsal-default-branch and rehearsal-broken.test.ts (helpers/rehearsal.ts
 * says why they are split).
 */
import { noteMarker } from "../../ci/plan/render";
import { branchConflicts, pipelineEdits, type RehearsalResult } from "../../ci/rehearse/rehearse";
import { shippedEnvironments } from "../helpers/environments";
import { outcome, run, TIMEOUT } from "./helpers/rehearsal";

const configs = shippedEnvironments();
const planned = configs.filter((env) => !env.protect);

let shared: Promise<RehearsalResult> | undefined;
const rehearsal = () =>
  (shared ??= run({
    kind: "merge-request",
    // The first note job of the pipeline: every job before it ran as it would against a GitLab that refuses notes.
    branches: [{ from: `plan-comment:${planned[0].name}`, notesRefused: 403 }],
  }));

describe("pipeline rehearsal: merge requests", () => {
  it(
    "merge request: builds, synthesizes, validates, plans and posts one note per planned environment",
    async () => {
      const result = await rehearsal();
      expect(result.problems).toEqual([]);
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
      const result = (await rehearsal()).branches[0];
      for (const env of planned) {
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

describe("pipeline rehearsal: where a branch may start", () => {
  const none = { queries: 0, hits: [], requests: [] };
  it("refuses a point after a job asked what the branch answers differently, and only that", () => {
    const state = { path: "/api/v4/projects/1/terraform/state/dev" };
    const note = { path: "/api/v4/projects/1/merge_requests/7/notes" };
    expect(branchConflicts({ from: "x", notesRefused: 403 }, { ...none, requests: [state] })).toEqual([]);
    expect(branchConflicts({ from: "x", notesRefused: 403 }, { ...none, requests: [state, note] })).toEqual([
      "the notes API",
    ]);
    expect(
      branchConflicts({ from: "x", failingCanary: "aws.function" }, { ...none, hits: ["dev/aws.function"] }),
    ).toEqual([]);
    expect(branchConflicts({ from: "x", failingCanary: "aws.function" }, { ...none, queries: 1 })).toEqual([
      "the edge's signal",
    ]);
    const hits = ["dev/edge", "dev/gcp.container"];
    expect(branchConflicts({ from: "x", failingOrigin: "aws.function" }, { ...none, hits })).toEqual([]);
    expect(
      branchConflicts({ from: "x", failingOrigin: "aws.function" }, { ...none, hits: [...hits, "dev/aws.function"] }),
    ).toEqual(["dev/aws.function"]);
  });

  it("lets a branch edit only the jobs of the pipeline file that have not run: no template, no global keyword", () => {
    const committed = "stages: [one]\n.template: {script: [t]}\nfirst: {script: [f]}\nlater: {script: [l]}\n";
    const edit = (from: string, to: string) => committed.replace(from, to);
    expect(pipelineEdits(committed, edit("[l]", "[x]"), ["first"])).toEqual(["later"]);
    expect(pipelineEdits(committed, edit("[f]", "[x]"), ["first"])).toEqual(["ran first"]);
    expect(pipelineEdits(committed, edit("[t]", "[x]"), [])).toEqual(["global .template"]);
    expect(pipelineEdits(committed, edit("[one]", "[one, two]"), [])).toEqual(["global stages"]);
    expect(pipelineEdits(committed, `${committed}added: {script: [a]}\n`, ["first"])).toEqual(["added"]);
    expect(pipelineEdits(committed, committed, ["first"])).toEqual([]);
  });
});
