/**
 * The pipeline rehearsal (`npm run ci:rehearse`) fails, naming the job, when
 * a commit of the project's code breaks a handoff (a mkdir synth needs).
 * Also the short kinds: a schedule passes, a tag creates no pipeline. The
 * merge requests and the default branch (with the handoffs the world breaks,
 * failing canaries, and a pipeline file that breaks a rollout step's TF_ROOT,
 * its branches): rehearsal-merge-request and rehearsal-default-branch.test.ts.
 */
import { brokenCommit, outcome, removeClones, run, TIMEOUT } from "./helpers/rehearsal";

afterAll(removeClones);

describe("pipeline rehearsal: broken handoffs", () => {
  it(
    "fails naming synth when the synth of the steps no longer creates their parent folder",
    async () => {
      const source = brokenCommit("main.ts", (text) => text.replace(/^ *if \(i === 1\) mkdirSync\(.*\n/m, ""));
      const result = await run({ kind: "default-branch", source });
      expect(outcome(result, "synth")).toBe("failed");
      expect(result.problems[0]).toMatch(/^job synth failed: it reads .*cdktf\.out\/steps\/promote\.tmp-\d+/);
    },
    TIMEOUT,
  );
});

describe("pipeline rehearsal: short kinds", () => {
  it(
    "schedule: passes",
    async () => {
      const result = await run({ kind: "schedule" });
      expect(result.problems).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "tag: passes",
    async () => {
      const result = await run({ kind: "tag" });
      expect(result.problems).toEqual([]);
      expect(result.pipeline).toBe(false);
    },
    TIMEOUT,
  );
});
