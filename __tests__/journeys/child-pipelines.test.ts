/**
 * The split pipeline of 60 generated environments from a clean clone
 * (`npm run ci:rehearse -- <kind> --environments 60`, ci/rehearse/split.ts):
 * GitLab's schema and rules, through gitlab-ci-local, accept the parent and
 * every child file the `pipelines` job writes, and each environment's jobs
 * run in its child as they do in the single pipeline for that kind. Both
 * kinds read one clone (the files do not depend on the kind), as
 * `rehearseSplit` reads one of its own per kind.
 */
import { cloneForSplit, type SplitClone, type SplitRehearsal } from "../../ci/rehearse/split";
import { generatedName } from "../../lib/config/generated";

const COUNT = 60;
const TIMEOUT = 5 * 60_000;
const names = Array.from({ length: COUNT }, (_, i) => generatedName(i));

/** `when` of `job` in whichever child lists it. */
function when(result: SplitRehearsal, job: string): string | undefined {
  for (const jobs of Object.values(result.children)) {
    const found = jobs.find((j) => j.name === job);
    if (found !== undefined) return found.when;
  }
  return undefined;
}

describe("split pipeline of 60 environments", () => {
  let clone: SplitClone;
  beforeAll(() => {
    clone = cloneForSplit(COUNT);
  }, TIMEOUT);
  afterAll(() => clone?.close());

  it(
    "default branch: the parent triggers six children that plan and deploy every environment",
    () => {
      const result = clone.rehearse("default-branch");
      expect(result.problems).toEqual([]);
      expect(Object.keys(result.children)).toHaveLength(6);
      const parentRuns = result.parent.filter((j) => j.when !== "never").map((j) => j.name);
      expect(parentRuns).toEqual(expect.arrayContaining(["synth", "pipelines", "environments:1", "environments:6"]));
      for (const name of names) {
        expect([name, when(result, `plan:${name}`)]).toEqual([name, "on_success"]);
        expect([name, when(result, `deploy:${name}`)]).toEqual([name, expect.stringMatching(/^(on_success|manual)$/)]);
        expect([name, when(result, `validate:${name}`)]).toEqual([name, "never"]);
      }
    },
    TIMEOUT,
  );

  it(
    "merge request: every environment is validated in its child, none deployed",
    () => {
      const result = clone.rehearse("merge-request");
      expect(result.problems).toEqual([]);
      for (const name of names) {
        expect([name, when(result, `validate:${name}`)]).toEqual([name, "on_success"]);
        expect([name, when(result, `deploy:${name}`)]).toEqual([name, "never"]);
      }
    },
    TIMEOUT,
  );
});
