/**
 * The pipeline rehearsal (`npm run ci:rehearse`) of the default branch: the
 * committed pipeline builds, deploys, promotes and rolls back every
 * environment, each apply of a saved plan of this pipeline; and a canary
 * that answers its probes but fails real requests is caught by verify's
 * canary analysis and rolled back on its own. The other kinds and the broken
 * handoffs: rehearsal-merge-request and rehearsal-broken.test.ts.
 */
import { shippedEnvironments } from "../helpers/environments";
import { deployedTo, outcome, run, TIMEOUT } from "./helpers/rehearsal";

const configs = shippedEnvironments();

describe("pipeline rehearsal: default branch", () => {
  it(
    "default branch: build to promote and rollback for every environment, each apply of a saved plan of this pipeline",
    async () => {
      const result = await run({ kind: "default-branch" });
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
      const env = configs.find((e) => e.canaryPercent > 0 && e.deploy.gate !== "manual") ?? configs[0];
      const [origin] = Object.entries(env.weights).find(([, weight]) => (weight ?? 0) > 0) ?? ["aws.function"];
      // The jobs these assertions read and what they need (the environments before it included).
      const only = [`auto-rollback:${env.name}`, `promote:${env.name}`];
      const result = await run({ kind: "default-branch", failingCanary: origin, only });
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
});
