/**
 * The pipeline rehearsal (`npm run ci:rehearse`) of the default branch: the
 * committed pipeline builds, deploys, promotes and rolls back every
 * environment, each apply of a saved plan of this pipeline; a canary that
 * answers its probes but fails real requests is caught by verify's canary
 * analysis and rolled back on its own; an origin whose canary fails its
 * health check fails verify, the rollback runs on its own and the
 * environments after it are not deployed. The two failing canaries branch
 * from the passing rehearsal before the verify they change (rehearse.ts,
 * `branches`), and a commit that breaks a rollout step's TF_ROOT in the
 * pipeline file before the first job that reads it: the jobs before run once
 * for the four. The other kinds and the broken commits of the project's
 * code: rehearsal-merge-request and rehearsal-broken.test.ts.
 */
import type { RehearsalResult } from "../../ci/rehearse/rehearse";
import { shippedEnvironments } from "../helpers/environments";
import { deployedTo, outcome, run, TIMEOUT } from "./helpers/rehearsal";

const configs = shippedEnvironments();

/** The first automatically verified canary, and an origin it sends traffic to. */
const canaryEnv = configs.find((e) => e.canaryPercent > 0 && e.deploy.gate !== "manual") ?? configs[0];
const [canaryOrigin] = Object.entries(canaryEnv.weights).find(([, weight]) => (weight ?? 0) > 0) ?? ["aws.function"];
/** The origin fails in every environment: the first in promotion order fails verify and stops the rest. */
const [first, next] = configs;

/** A broken commit of the pipeline file: the rollback step's TF_ROOT is not where synth writes it. */
const brokenRollbackRoot = (text: string) =>
  text.replaceAll(
    `cdktf.out/steps/rollback/stacks/${first.name}`,
    `cdktf.out/steps/rollback/cdktf.out/stacks/${first.name}`,
  );

let shared: Promise<RehearsalResult> | undefined;
const rehearsal = () =>
  (shared ??= run({
    kind: "default-branch",
    branches: [
      // The jobs these scenarios' assertions read and what they need (the environments before them included).
      {
        from: `verify:${canaryEnv.name}`,
        failingCanary: canaryOrigin,
        only: [`auto-rollback:${canaryEnv.name}`, `promote:${canaryEnv.name}`],
      },
      {
        // plan-steps and what it needs: the rest of the pipeline does not decide its outcome.
        from: `plan-steps:${first.name}`,
        pipeline: brokenRollbackRoot,
        only: [`plan-steps:${first.name}`],
      },
      {
        from: `verify:${first.name}`,
        failingOrigin: "aws.function",
        only: [
          `auto-rollback:${first.name}`,
          ...(first.canaryPercent > 0 ? [`promote:${first.name}`] : []),
          ...(next !== undefined ? [`deploy:${next.name}`] : []),
        ],
      },
    ],
  }));

describe("pipeline rehearsal: default branch", () => {
  it(
    "default branch: build to promote and rollback for every environment, each apply of a saved plan of this pipeline",
    async () => {
      const result = await rehearsal();
      expect(result.problems).toEqual([]);
      for (const env of configs) {
        for (const job of ["publish", "plan", "deploy", "verify", "plan-steps", "plan-steps-note", "rollback"]) {
          expect([job, outcome(result, `${job}:${env.name}`)]).toEqual([job, "success"]);
        }
        expect(outcome(result, `promote:${env.name}`)).toBe(env.canaryPercent > 0 ? "success" : undefined);
        expect(outcome(result, `auto-rollback:${env.name}`)).toBe("skipped");
        // A canary is judged by the edge's signal for the new release before it is promoted.
        const queries = result.jobs.find((j) => j.name === `verify:${env.name}`)?.analyticsQueries ?? 0;
        expect([env.name, queries > 0]).toEqual([env.name, env.canaryPercent > 0]);
        // Every apply took a plan file; the stub refuses any other.
        const applies = result.jobs.flatMap((j) => j.calls).filter((c) => c.tool === "tofu" && c.args[0] === "apply");
        expect(applies.every((c) => c.outcome === "ok")).toBe(true);
        const deployed = deployedTo(result, env.name);
        expect(deployed).toEqual(expect.objectContaining({ id: result.commit, step: "rollback" }));
      }
    },
    TIMEOUT,
  );

  it(
    "a canary that answers its probes but fails real requests fails verify's canary analysis, and the rollback runs on its own",
    async () => {
      const env = canaryEnv;
      const origin = canaryOrigin;
      const result = (await rehearsal()).branches[0];
      expect(outcome(result, `verify:${env.name}`)).toBe("failed");
      expect(outcome(result, `auto-rollback:${env.name}`)).toBe("success");
      expect(outcome(result, `promote:${env.name}`)).toBe("skipped");
      expect(result.problems).toContain(`job verify:${env.name} failed`);
      // The probes passed; the analysis failed it, with the table of what the edge saw.
      const log = result.jobs.find((j) => j.name === `verify:${env.name}`)?.logTail ?? "";
      expect(log).toMatch(new RegExp(`${origin.replace(".", "\\.")} .* FAIL: failure rate `));
      expect(log).toContain(
        `canary of release ${result.commit} on ${env.name} failed: the new release fails on ${origin}`,
      );
      expect(deployedTo(result, env.name).step).toBe("rollback");
    },
    TIMEOUT,
  );

  it(
    "a failing canary fails verify, the rollback runs on its own, and the environments after it are not deployed",
    async () => {
      const env = first;
      const result = (await rehearsal()).branches[2];
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

  it(
    "fails naming the jobs when a rollout step's TF_ROOT is not where synth writes",
    async () => {
      const env = first.name;
      const result = (await rehearsal()).branches[1];
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
