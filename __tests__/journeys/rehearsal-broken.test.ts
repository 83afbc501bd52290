/**
 * The pipeline rehearsal (`npm run ci:rehearse`) fails, naming the job, when
 * one handoff breaks at a time in a commit (a mkdir synth needs, a TF_ROOT).
 * Also the short kinds: a schedule passes, a tag creates no pipeline. The
 * merge requests and the default branch (with the handoffs the world breaks:
 * failing canaries): rehearsal-merge-request and
 * rehearsal-default-branch.test.ts.
 */
import { shippedEnvironments } from "../helpers/environments";
import { brokenCommit, outcome, removeClones, run, TIMEOUT } from "./helpers/rehearsal";

const configs = shippedEnvironments();

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

  it(
    "fails naming the jobs when a rollout step's TF_ROOT is not where synth writes",
    async () => {
      const env = configs[0].name;
      const source = brokenCommit(".gitlab-ci.yml", (text) =>
        text.replaceAll(`cdktf.out/steps/rollback/stacks/${env}`, `cdktf.out/steps/rollback/cdktf.out/stacks/${env}`),
      );
      // plan-steps and what it needs: the rest of the pipeline does not decide its outcome.
      const result = await run({ kind: "default-branch", source, only: [`plan-steps:${env}`] });
      expect(outcome(result, `plan-steps:${env}`)).toBe("failed");
      expect(result.problems).toContainEqual(
        expect.stringMatching(
          new RegExp(`^job plan-steps:${env} failed: it reads .*steps/rollback/cdktf\\.out/stacks/${env}`),
        ),
      );
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
