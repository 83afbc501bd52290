/**
 * Past CHILD_PIPELINE_THRESHOLD environments, `.gitlab-ci.yml` is a parent
 * pipeline: verify, build, synth, then `pipelines` writes one child pipeline
 * file per group of ENVIRONMENTS_PER_CHILD environments, and one trigger job
 * per group (`environments:<n>`, `trigger: include: artifact`, `strategy:
 * depend`) runs it, so GitLab creates, plans and deploys the groups side by
 * side and a reader opens one group's pipeline, not a thousand jobs.
 *
 * A child pipeline holds the same jobs the single pipeline has for its
 * environments, with three changes: what they need from the parent
 * (synth's stacks, build's release.env) is a `needs: pipeline:
 * $PARENT_PIPELINE_ID` entry; GitLab runs a child pipeline with
 * CI_PIPELINE_SOURCE=parent_pipeline and without the merge-request variables,
 * so the trigger job passes the parent's as PARENT_* variables, the rules read
 * those, and each script starts by exporting them under their own names (the
 * note and release commands read CI_MERGE_REQUEST_IID, CI_PIPELINE_SOURCE).
 */
import type { EnvironmentConfig } from "../../lib/config/schema";
import { allEnvironmentJobs, forkNoticeJob } from "./environment-jobs";
import type { Job, Need, Pipeline, Rule } from "./model";
import { renderYaml, sharedPipeline } from "./pipeline";
import { IF } from "./rules";

/**
 * More environments than this and the pipeline is split. Measured with
 * `node bin/run.cjs bench/pipeline-scale.ts 3 10 30 60 100` (docs/gitlab-ci.md):
 * the single file grows by 13 jobs and 29 KB per environment (30: 391 jobs,
 * 0.87 MB; 60: 781 jobs, 1.7 MB; 100: 1,301 jobs, 2.9 MB), past GitLab's
 * default 2 MB limit on a pipeline's configuration (max_yaml_size_bytes)
 * at about 70, and reading it (gitlab-ci-local --list-json: schema and every
 * job's rules, as GitLab does when it creates a pipeline) grows faster than
 * the file: 4 s at 3, 16 s at 30, 40 s at 60 on a loaded 2-core machine.
 */
export const CHILD_PIPELINE_THRESHOLD = 30;

/** Environments per child pipeline: about 130 jobs and 290 KB, which a reader still takes in. */
export const ENVIRONMENTS_PER_CHILD = 10;

/** The parent's job that writes the child pipeline files, and the folder it writes them to. */
export const CHILD_PIPELINES_JOB = "pipelines";
export const CHILD_PIPELINES_DIR = "child-pipelines";

/** Predefined variables a child job reads from the parent pipeline, as the trigger job passes them. */
export const FORWARDED = [
  "CI_PIPELINE_SOURCE",
  "CI_COMMIT_BRANCH",
  "CI_MERGE_REQUEST_IID",
  "CI_MERGE_REQUEST_PROJECT_ID",
  "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA",
] as const;
export const parentVariable = (name: string) => `PARENT_${name.replace(/^CI_/, "")}`;
export const PARENT_PIPELINE_ID = "PARENT_PIPELINE_ID";

export function isSplit(environments: readonly EnvironmentConfig[]): boolean {
  return environments.length > CHILD_PIPELINE_THRESHOLD;
}

/** The environments in pipeline order, ENVIRONMENTS_PER_CHILD at a time. */
export function environmentGroups(environments: readonly EnvironmentConfig[]): EnvironmentConfig[][] {
  const groups: EnvironmentConfig[][] = [];
  for (let i = 0; i < environments.length; i += ENVIRONMENTS_PER_CHILD) {
    groups.push(environments.slice(i, i + ENVIRONMENTS_PER_CHILD));
  }
  return groups;
}

/** The child pipeline file of group `n` (1-based), relative to the repository root. */
export const childPipelineFile = (n: number) => `${CHILD_PIPELINES_DIR}/environments-${n}.yml`;

/** The trigger job of group `n`. */
export const triggerJobName = (n: number) => `environments:${n}`;

/** The parent pipeline: the shared jobs, the generator of the child files, one trigger job per group. */
export function buildParentPipeline(environments: readonly EnvironmentConfig[]): Pipeline {
  const { head, jobs: pipeline } = sharedPipeline(environments);
  pipeline["fork-notice"] = forkNoticeJob();
  pipeline[CHILD_PIPELINES_JOB] = {
    extends: ".node",
    stage: "synth",
    needs: [],
    rules: [{ if: IF.mergeRequest }, { if: IF.schedule }, { if: IF.defaultBranch }],
    script: [`npm run --silent ci:pipeline -- --children ${CHILD_PIPELINES_DIR}`],
    artifacts: { expire_in: "1 week", paths: [`${CHILD_PIPELINES_DIR}/`] },
  };
  const groups = environmentGroups(environments).length;
  for (let n = 1; n <= groups; n++) {
    pipeline[triggerJobName(n)] = {
      stage: "plan",
      needs: [{ job: "synth", artifacts: false }, { job: CHILD_PIPELINES_JOB }],
      rules: [{ if: IF.mergeRequest }, { if: IF.schedule }, { if: IF.defaultBranch }],
      variables: {
        [PARENT_PIPELINE_ID]: "$CI_PIPELINE_ID",
        ...Object.fromEntries(FORWARDED.map((name) => [parentVariable(name), `$${name}`])),
      },
      trigger: {
        include: [{ artifact: childPipelineFile(n), job: CHILD_PIPELINES_JOB }],
        // The parent's status is the child's: a failed plan fails the parent pipeline.
        strategy: "depend",
      },
    };
  }
  return { head, jobs: pipeline };
}

/** Rule conditions with the parent's predefined variables in place of the child's own. */
function parentRules(rules: readonly Rule[]): Rule[] {
  let text = JSON.stringify(rules);
  for (const name of FORWARDED) text = text.replaceAll(`$${name}`, `$${parentVariable(name)}`);
  return JSON.parse(text) as Rule[];
}

/** A need of a job outside `inChild` becomes a need of the parent pipeline's job of that name. */
function childNeeds(needs: readonly Need[], inChild: ReadonlySet<string>): Need[] {
  return needs.map((need) => {
    const { job, artifacts } = typeof need === "string" ? { job: need, artifacts: true } : need;
    if (inChild.has(job)) return need;
    return { pipeline: `$${PARENT_PIPELINE_ID}`, job, artifacts: artifacts ?? true };
  });
}

/** First line of every child job: the parent's predefined variables under their own names. */
const EXPORT_PARENT = `export ${FORWARDED.map((name) => `${name}="$${parentVariable(name)}"`).join(" ")}`;

/** The child pipeline of one group: its environments' jobs, run by the parent's trigger job. */
export function buildChildPipeline(group: readonly EnvironmentConfig[]): Pipeline {
  const { head } = sharedPipeline(group);
  const jobs = allEnvironmentJobs(group);
  const inChild = new Set(Object.keys(jobs));
  const children = Object.entries(jobs).map(([name, job]): [string, Job] => [
    name,
    {
      ...job,
      ...(job.rules === undefined ? {} : { rules: parentRules(job.rules) }),
      ...(job.needs === undefined ? {} : { needs: childNeeds(job.needs, inChild) }),
      ...(job.script === undefined ? {} : { script: [EXPORT_PARENT, ...job.script] }),
    },
  ]);
  return {
    head: { ...head, workflow: { rules: [{ if: '$CI_PIPELINE_SOURCE == "parent_pipeline"' }] } },
    jobs: Object.fromEntries(children),
  };
}

const PARENT_HEADER = ` Generated by \`npm run ci:pipeline\` from ci/pipeline/, environments/ and
 lib/identity.ts. Do not edit by hand: change those and run the command again
 (a test fails when this file is out of date). docs/gitlab-ci.md explains it.
 A parent pipeline: more environments than CHILD_PIPELINE_THRESHOLD
 (ci/pipeline/children.ts); the \`pipelines\` job writes one child pipeline per group.`;

const CHILD_HEADER = ` A child pipeline, written by the \`pipelines\` job (\`npm run ci:pipeline -- --children\`)
 and run by its trigger job in the parent pipeline (ci/pipeline/children.ts).`;

export function renderParentPipeline(environments: readonly EnvironmentConfig[]): string {
  return renderYaml(buildParentPipeline(environments), PARENT_HEADER);
}

/** Each child pipeline file's text by its path (childPipelineFile). */
export function renderChildPipelines(environments: readonly EnvironmentConfig[]): Record<string, string> {
  return Object.fromEntries(
    environmentGroups(environments).map((group, i) => [
      childPipelineFile(i + 1),
      renderYaml(buildChildPipeline(group), CHILD_HEADER),
    ]),
  );
}
