/**
 * The pipeline rehearsal (`npm run ci:rehearse`) fails, naming the job, when
 * one handoff breaks at a time: in a commit (a mkdir synth needs, a TF_ROOT)
 * or in the world (an origin whose canary fails its health check). Also the
 * short kinds: a schedule passes, a tag creates no pipeline. The merge
 * requests and the default branch: rehearsal-merge-request and
 * rehearsal-default-branch.test.ts.
 */
import { shippedEnvironments } from "../helpers/environments";
import { brokenCommit, deployedTo, outcome, removeClones, run, TIMEOUT } from "./helpers/rehearsal";

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

  it(
    "a failing canary fails verify, the rollback runs on its own, and the environments after it are not deployed",
    async () => {
      // The origin fails in every environment: the first in promotion order fails verify and stops the rest.
      const [env, next] = configs;
      // The jobs these assertions read and what they need; the other environments' own jobs decide nothing here.
      const only = [
        `auto-rollback:${env.name}`,
        ...(env.canaryPercent > 0 ? [`promote:${env.name}`] : []),
        ...(next !== undefined ? [`deploy:${next.name}`] : []),
      ];
      const result = await run({ kind: "default-branch", failingOrigin: "aws.function", only });
      expect(outcome(result, `verify:${env.name}`)).toBe("failed");
      expect(outcome(result, `auto-rollback:${env.name}`)).toBe("success");
      expect(outcome(result, `promote:${env.name}`)).toBe(env.canaryPercent > 0 ? "skipped" : undefined);
      expect(result.problems).toContain(`job verify:${env.name} failed`);
      const deployed = deployedTo(result, env.name);
      expect(deployed.step).toBe("rollback");
      // Promotion order: the next environment's deploy is skipped, not playable.
      if (next !== undefined) expect(outcome(result, `deploy:${next.name}`)).toBe("skipped");
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
