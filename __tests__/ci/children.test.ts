/**
 * Past CHILD_PIPELINE_THRESHOLD environments the pipeline is a parent with
 * one child pipeline per group (ci/pipeline/children.ts): every job the
 * single pipeline has for an environment is in exactly one child, unchanged
 * but for what it takes from the parent. The shipped repository stays on the
 * single pipeline. Checked here on the fewest environments that split, the
 * last group partial (every job is built, checked and rendered: the cost grows
 * with the count); gitlab-ci-local reads the files of 60 environments in the
 * journeys tier (__tests__/journeys/child-pipelines.test.ts).
 */
import { parse } from "yaml";
import {
  buildChildPipeline,
  buildParentPipeline,
  CHILD_PIPELINE_THRESHOLD,
  CHILD_PIPELINES_JOB,
  childPipelineFile,
  ENVIRONMENTS_PER_CHILD,
  environmentGroups,
  isSplit,
  PARENT_PIPELINE_ID,
  parentVariable,
  renderChildPipelines,
  renderParentPipeline,
  triggerJobName,
} from "../../ci/pipeline/children";
import { pipelineDocument } from "../../ci/pipeline/model";
import { buildPipeline } from "../../ci/pipeline/pipeline";
import { company, environments } from "../../environments";
import { generatedEnvironmentFiles } from "../../lib/config/generated";
import { loadConfiguration } from "../../lib/config/load";
import { shippedEnvironments } from "../helpers/environments";

const SPLIT = loadConfiguration(
  generatedEnvironmentFiles(Object.values(environments)[0], CHILD_PIPELINE_THRESHOLD + 1),
  company,
).configs;
const single = buildPipeline(SPLIT).jobs;
const parentPipeline = buildParentPipeline(SPLIT);
const parent = parentPipeline.jobs;
const childPipelines = environmentGroups(SPLIT).map((group) => buildChildPipeline(group));
const children = childPipelines.map((child) => child.jobs);
const isEnvironmentJob = (name: string) => name.includes(":");

describe("split pipeline", () => {
  it("splits only past the threshold; the shipped environments keep the single pipeline", () => {
    expect(isSplit(shippedEnvironments())).toBe(false);
    expect(isSplit(SPLIT.slice(0, CHILD_PIPELINE_THRESHOLD))).toBe(false);
    expect(isSplit(SPLIT.slice(0, CHILD_PIPELINE_THRESHOLD + 1))).toBe(true);
  });

  it("groups the environments in pipeline order, each in exactly one group", () => {
    const groups = environmentGroups(SPLIT);
    expect(groups).toHaveLength(Math.ceil(SPLIT.length / ENVIRONMENTS_PER_CHILD));
    expect(groups.flat().map((e) => e.name)).toEqual(SPLIT.map((e) => e.name));
    expect(environmentGroups(SPLIT.slice(0, ENVIRONMENTS_PER_CHILD + 1)).map((g) => g.length)).toEqual([
      ENVIRONMENTS_PER_CHILD,
      1,
    ]);
  });

  it("parent: the shared jobs, the generator and one depend trigger per group, no environment job", () => {
    for (const shared of ["verify", "build", "synth", "fork-notice", CHILD_PIPELINES_JOB]) {
      expect(parent[shared]).toBeDefined();
    }
    const triggers = Object.keys(parent).filter((name) => name.startsWith("environments:"));
    expect(triggers).toEqual(children.map((_, i) => triggerJobName(i + 1)));
    expect(Object.keys(parent).filter(isEnvironmentJob)).toEqual(triggers);
    for (const [i, name] of triggers.entries()) {
      expect(parent[name].trigger).toEqual({
        include: [{ artifact: childPipelineFile(i + 1), job: CHILD_PIPELINES_JOB }],
        strategy: "depend",
      });
      expect(parent[name].needs).toContainEqual({ job: CHILD_PIPELINES_JOB });
      expect(parent[name].variables).toMatchObject({
        [PARENT_PIPELINE_ID]: "$CI_PIPELINE_ID",
        [parentVariable("CI_PIPELINE_SOURCE")]: "$CI_PIPELINE_SOURCE",
        [parentVariable("CI_MERGE_REQUEST_IID")]: "$CI_MERGE_REQUEST_IID",
      });
    }
    const generator = parent[CHILD_PIPELINES_JOB];
    expect(generator.script?.join("\n")).toMatch(/ci:pipeline -- --children child-pipelines$/);
    expect(childPipelineFile(1).startsWith(generator.artifacts?.paths?.[0] ?? "?")).toBe(true);
  });

  it("children: every environment job of the single pipeline in exactly one child, same script after the export", () => {
    const inChildren = children.flatMap((child) => Object.keys(child).filter(isEnvironmentJob));
    expect(inChildren.sort()).toEqual(Object.keys(single).filter(isEnvironmentJob).sort());
    for (const child of children) {
      for (const [name, job] of Object.entries(child).filter(([n]) => isEnvironmentJob(n))) {
        const [exports, ...script] = job.script ?? [];
        expect([name, exports]).toEqual([name, expect.stringMatching(/^export CI_PIPELINE_SOURCE="\$PARENT_/)]);
        expect(script).toEqual(single[name].script);
        expect(job.stage).toBe(single[name].stage);
        expect(job.environment).toEqual(single[name].environment);
      }
    }
  });

  it("children: a need outside the child is the parent pipeline's job; rules read the parent's variables", () => {
    for (const child of children) {
      const names = new Set(Object.keys(child));
      for (const [name, job] of Object.entries(child).filter(([n]) => isEnvironmentJob(n))) {
        for (const need of job.needs ?? []) {
          const target = typeof need === "string" ? need : need.job;
          if (names.has(target)) continue;
          expect([name, need]).toEqual([name, expect.objectContaining({ pipeline: `$${PARENT_PIPELINE_ID}` })]);
          expect(parent[target]).toBeDefined();
        }
        for (const rule of job.rules ?? []) {
          expect([name, rule.if ?? ""]).not.toEqual([
            name,
            expect.stringMatching(/\$CI_(PIPELINE_SOURCE|COMMIT_BRANCH)\b/),
          ]);
        }
      }
    }
    for (const child of childPipelines) {
      expect(child.head.workflow).toEqual({ rules: [{ if: '$CI_PIPELINE_SOURCE == "parent_pipeline"' }] });
    }
  });

  it("children: deploys follow the promotion order within a group; the first of each group needs no verify", () => {
    for (const [g, group] of environmentGroups(SPLIT).entries()) {
      for (const [i, env] of group.entries()) {
        const needs = (children[g][`deploy:${env.name}`].needs ?? []).filter(
          (need) => typeof need !== "string" && need.job.startsWith("verify:"),
        );
        expect(needs).toEqual(i === 0 ? [] : [{ job: `verify:${group[i - 1].name}`, artifacts: false }]);
      }
    }
  });

  it("renders YAML that parses back to the same pipelines", () => {
    expect(parse(renderParentPipeline(SPLIT))).toEqual(JSON.parse(JSON.stringify(pipelineDocument(parentPipeline))));
    const files = renderChildPipelines(SPLIT);
    expect(Object.keys(files)).toEqual(children.map((_, i) => childPipelineFile(i + 1)));
    expect(parse(files[childPipelineFile(2)])).toEqual(JSON.parse(JSON.stringify(pipelineDocument(childPipelines[1]))));
  });
});
