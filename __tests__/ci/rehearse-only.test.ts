/**
 * The rehearsal's `only` (ci/rehearse/schedule.ts, neededBy): the jobs a
 * scenario asserts on and everything they wait for, through `needs` or
 * through stages, and nothing else.
 */
import { neededBy, PipelineError, type PlannedJob, resolveNeeds } from "../../ci/rehearse/schedule";

const STAGES = [".pre", "build", "deploy", "release", ".post"];
const job = (name: string, stage: string, needs?: string[]): PlannedJob => ({
  name,
  stage,
  when: "on_success",
  allowFailure: false,
  needs: needs?.map((n) => ({ job: n })),
});
const JOBS = [
  job("build", "build", []),
  job("lint", "build", []),
  job("deploy:dev", "deploy", ["build"]),
  job("deploy:prod", "deploy", ["deploy:dev"]),
  job("report", "release"), // no needs: waits for every job of the earlier stages
];
const needs = resolveNeeds(JOBS, STAGES);

describe("neededBy", () => {
  it("follows needs through other jobs and leaves out what the targets do not wait for", () => {
    expect([...neededBy(needs, ["deploy:prod"])].sort()).toEqual(["build", "deploy:dev", "deploy:prod"]);
    expect([...neededBy(needs, ["deploy:dev", "lint"])].sort()).toEqual(["build", "deploy:dev", "lint"]);
  });

  it("takes a job without needs with every job of the earlier stages", () => {
    expect([...neededBy(needs, ["report"])].sort()).toEqual(["build", "deploy:dev", "deploy:prod", "lint", "report"]);
  });

  it("refuses a name that is not a job of the pipeline", () => {
    expect(() => neededBy(needs, ["deploy:qa"])).toThrow(new PipelineError("deploy:qa is not a job of this pipeline"));
  });
});
