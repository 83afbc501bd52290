/**
 * The GitLab CI keywords the generated pipeline uses, as types (after
 * projen's GitLab model): every job of ci/pipeline/ is a `Job`, so a
 * misspelt keyword, an unknown stage, a `when` GitLab does not know or an
 * environment without its tier fails `npm run typecheck`, not the pipeline.
 * Only what the pipeline writes is modelled; https://docs.gitlab.com/ci/yaml/
 * is the reference for each keyword. Types and data only: the generator files
 * import this, this imports nothing of theirs.
 */

/** The stages, in the order GitLab runs them (`stages:`). */
export const STAGES = [
  "verify",
  "build",
  "synth",
  "publish",
  "plan",
  "comment",
  "deploy",
  "check",
  "release",
  "drift",
] as const;
export type Stage = (typeof STAGES)[number];

/** `rules:when` and `when`: https://docs.gitlab.com/ci/yaml/#when */
export type When = "on_success" | "on_failure" | "always" | "manual" | "never";

/** A job's variables (`variables:`): names to values. */
export type Variables = Readonly<Record<string, string>>;

/** One entry of `rules:` (the first that matches decides): https://docs.gitlab.com/ci/yaml/#rules */
export interface Rule {
  readonly if?: string;
  readonly when?: When;
  readonly allow_failure?: boolean;
  readonly variables?: Variables;
}

/** A job of this pipeline this job waits for (and takes the artifacts of, unless `artifacts: false`). */
export interface JobNeed {
  readonly job: string;
  readonly artifacts?: boolean;
  /** The need is skipped when the job is not in the pipeline (its rules left it out). */
  readonly optional?: boolean;
}

/** A job of another pipeline (a child's need of its parent's job). */
export interface PipelineNeed {
  /** The pipeline id, e.g. `$PARENT_PIPELINE_ID`. */
  readonly pipeline: string;
  readonly job: string;
  readonly artifacts?: boolean;
}

/** One entry of `needs:`: a job name alone needs its artifacts. https://docs.gitlab.com/ci/yaml/#needs */
export type Need = string | JobNeed | PipelineNeed;

/** `artifacts:reports:` the pipeline writes. https://docs.gitlab.com/ci/yaml/artifacts_reports/ */
export interface Reports {
  readonly terraform?: string;
  readonly annotations?: string;
  readonly dotenv?: string;
  readonly junit?: string;
  readonly coverage_report?: { readonly coverage_format: "cobertura" | "jacoco"; readonly path: string };
}

/** `artifacts:`: https://docs.gitlab.com/ci/yaml/#artifacts */
export interface Artifacts {
  /** Name of the archive (and the merge-request widget's label of a terraform report). */
  readonly name?: string;
  readonly when?: "on_success" | "on_failure" | "always";
  /** Who may download them: `none` for files that hold secrets (`needs:` still passes them on). */
  readonly access?: "all" | "developer" | "none";
  readonly expire_in?: string;
  readonly expose_as?: string;
  readonly paths?: readonly string[];
  readonly reports?: Reports;
}

/** `id_tokens:`: job variable to the `aud` claim of the OIDC token GitLab puts in it. */
export type IdTokens = Readonly<Record<string, { readonly aud: string }>>;

/** GitLab's deployment tiers: https://docs.gitlab.com/ci/environments/#deployment-tier-of-environments */
export type DeploymentTier = "production" | "staging" | "testing" | "development" | "other";

/**
 * `environment:`: https://docs.gitlab.com/ci/yaml/#environment. A job with
 * `action` `start` (the default) is a deployment; `prepare` and `access`
 * name the environment (its protection and the deploy identity's claim)
 * without deploying.
 */
export interface Environment {
  readonly name: string;
  readonly action?: "start" | "prepare" | "stop" | "verify" | "access";
  readonly deployment_tier?: DeploymentTier;
  readonly url?: string;
}

/** `image:`: a variable or reference, or one with its entrypoint emptied (images whose entrypoint is a tool). */
export type Image = string | { readonly name: string; readonly entrypoint?: readonly string[] };

/** One `cache:` entry: https://docs.gitlab.com/ci/yaml/#cache */
export interface Cache {
  readonly key: string | { readonly files: readonly string[]; readonly prefix?: string };
  readonly paths: readonly string[];
  readonly policy?: "pull" | "push" | "pull-push";
}

/** `trigger:` of a job that runs a child pipeline from an artifact: https://docs.gitlab.com/ci/yaml/#trigger */
export interface Trigger {
  readonly include: readonly { readonly artifact: string; readonly job: string }[];
  readonly strategy?: "depend";
}

/** The hidden jobs other jobs extend: the npm jobs' and the OpenTofu jobs'. */
export type TemplateName = ".node" | ".tf";

/** A job, or a template (no stage), as written into the pipeline file. Keys are written in the order given. */
export interface Job {
  readonly extends?: TemplateName;
  readonly stage?: Stage;
  readonly image?: Image;
  readonly needs?: readonly Need[];
  readonly resource_group?: string;
  /** Whether a newer pipeline may cancel it (`workflow:auto_cancel`). */
  readonly interruptible?: boolean;
  readonly variables?: Variables;
  readonly id_tokens?: IdTokens;
  readonly environment?: Environment;
  readonly rules?: readonly Rule[];
  readonly cache?: Cache | readonly Cache[];
  readonly before_script?: readonly string[];
  readonly script?: readonly string[];
  readonly coverage?: string;
  readonly artifacts?: Artifacts;
  readonly allow_failure?: boolean | { readonly exit_codes: readonly number[] };
  readonly trigger?: Trigger;
}

/** Jobs by name, in the order they are written. */
export type Jobs = Record<string, Job>;

/** `variables:` of the pipeline: a value, or one with the description the "Run pipeline" form shows. */
export type PipelineVariable = string | { readonly value: string; readonly description?: string };

/** What comes before the jobs in a pipeline file. */
export interface PipelineHead {
  readonly workflow: {
    readonly rules: readonly Rule[];
    readonly auto_cancel?: { readonly on_new_commit: "conservative" | "interruptible" | "none" };
  };
  readonly stages: readonly Stage[];
  readonly variables: Readonly<Record<string, PipelineVariable>>;
  readonly templates: Readonly<Record<TemplateName, Job>>;
}

/** A pipeline file: its head, then its jobs. */
export interface Pipeline {
  readonly head: PipelineHead;
  readonly jobs: Jobs;
}

/** A pipeline file as it is written (and as `yaml` parses it back): the head's keys, the templates, the jobs. */
export type PipelineDocument = Readonly<Record<string, unknown>>;

/** The object a pipeline file is written from: workflow, stages, variables, the templates, then the jobs. */
export function pipelineDocument({ head, jobs }: Pipeline): PipelineDocument {
  const { templates, ...rest } = head;
  return { ...rest, ...templates, ...jobs };
}
