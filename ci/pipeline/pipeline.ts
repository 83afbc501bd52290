/**
 * Builds `.gitlab-ci.yml` from the validated environments and the identity
 * module. The file is generated, not hand-written, because every environment
 * needs the same four jobs with its own gate, tier, URL, state backend,
 * id_tokens and CI/CD variable names: generated, adding an environment cannot
 * forget a job, and the variable names cannot drift from `lib/identity.ts`.
 * `npm run ci:pipeline` rewrites the file; a test fails when the committed
 * file differs from what this module builds.
 *
 * Shape (see docs/gitlab-ci.md):
 *   verify -> synth -> validate:<env>                      merge requests, forks too (no credentials)
 *   verify -> synth -> plan:<env> -> plan-comment:<env>   merge requests (not forks: fork-notice)
 *   verify -> synth -> plan:<env> -> deploy:<env>         default branch (gated: plan-comment renders the note)
 *                                    unlock:<env>          default branch, manual
 *             synth -> drift:<env> -> drift-report:<env>  schedules
 *
 * The files of ci/pipeline/, each importing only the ones before it:
 *   model.ts             the GitLab CI keywords as types (Job, Rule, Need, Artifacts, Environment, Stage)
 *   rules.ts, logins.ts  rule conditions; id_tokens and the per-cloud login table
 *   terraform.ts         stack folder, state, plan retention, the OpenTofu prelude
 *   release.ts           build, stable, publish, verify and the rollout step jobs
 *   environment-jobs.ts  validate, plan, plan-comment, deploy, unlock, drift of each environment
 *   pipeline.ts          this file: workflow, stages, templates, the shared jobs, the file
 *   children.ts          the parent and child pipelines past CHILD_PIPELINE_THRESHOLD environments
 */
import { Document, isMap, isScalar } from "yaml";
import { environmentStateLocation } from "../../lib/backend";
import { NOTE_TOKEN } from "../../lib/bootstrap/variables";
import type { EnvironmentConfig } from "../../lib/config/schema";
import { IMAGES, imageReference } from "../images";
import { environmentJobs, forkNoticeJob, validateJobs } from "./environment-jobs";
import { type Cache, type Pipeline, pipelineDocument, STAGES } from "./model";
import { BUILD_IMAGE, buildJob, stableJob } from "./release";
import { IF } from "./rules";

/** Node image of the jobs that run npm (its git is needed by the pipeline tests). */
export const NODE_IMAGE = imageReference(IMAGES.node);
/**
 * Image of the jobs that run OpenTofu: GitLab's OpenTofu component image
 * (`tofu`, a shell, git, jq). Terraform: set TF_IMAGE to e.g.
 * `hashicorp/terraform:1.13`; the jobs use whichever of `tofu` or `terraform`
 * the image has.
 */
export const TF_IMAGE = imageReference(IMAGES.opentofu);
/** Masked CI/CD variable holding the project access token (api scope) that writes the plan notes. */
export const NOTE_TOKEN_VARIABLE = NOTE_TOKEN;

/** npm's download cache, keyed by the lockfile; only verify writes it. */
const NPM_CACHE: Cache = { key: { files: ["package-lock.json"], prefix: "npm" }, paths: [".npm/"], policy: "pull" };

/**
 * The esbuild bundles that bin/run.cjs, the edge Worker and the function zips
 * reuse by content hash (a stale entry only costs a rebuild): a job restoring
 * them skips esbuild. Synth writes it.
 */
const BUNDLE_CACHE: Cache = { key: "bundles", paths: [".gen/", "dist/functions/"], policy: "pull" };

/** The whole pipeline, jobs in the order they are written. */
export function buildPipeline(environments: readonly EnvironmentConfig[]): Pipeline {
  const { head, jobs } = sharedPipeline(environments);
  return {
    head,
    jobs: {
      ...jobs,
      ...validateJobs(environments),
      "fork-notice": forkNoticeJob(),
      ...environmentJobs(environments),
    },
  };
}

/**
 * workflow, stages, variables, the .node and .tf templates, and the jobs every environment needs first:
 * verify, build, stable:<env> (each environment whose state is in its own cloud), synth.
 */
export function sharedPipeline(environments: readonly EnvironmentConfig[]): Pipeline {
  const inCloud = environments.filter((env) => environmentStateLocation(env) !== undefined);
  const head: Pipeline["head"] = {
    workflow: {
      rules: [
        { if: IF.mergeRequest },
        { if: IF.schedule },
        // A branch with an open merge request runs the merge-request pipeline only.
        { if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" },
        { if: "$CI_COMMIT_BRANCH" },
      ],
      auto_cancel: { on_new_commit: "interruptible" },
    },
    stages: STAGES,
    variables: {
      NODE_IMAGE: { value: NODE_IMAGE, description: "Image of the npm jobs (verify, synth, plan-comment)." },
      TF_IMAGE: {
        value: TF_IMAGE,
        description:
          "Image with tofu or terraform. Terraform: hashicorp/terraform:1.13 (the jobs use whichever binary the image has).",
      },
      BUILD_IMAGE: { value: BUILD_IMAGE, description: "Image of the build job: BuildKit rootless (no Docker daemon)." },
      TF_IN_AUTOMATION: "true",
      TF_INPUT: "false",
      TF_PLUGIN_CACHE_DIR: "$CI_PROJECT_DIR/.tf-plugin-cache",
    },
    templates: {
      ".node": {
        image: "$NODE_IMAGE",
        interruptible: true,
        cache: [NPM_CACHE, BUNDLE_CACHE],
        // No dependency needs its install script (docs/gitlab-ci.md, "Supply chain").
        before_script: ["npm ci --ignore-scripts --cache .npm --prefer-offline --no-audit --no-fund"],
      },
      ".tf": {
        image: { name: "$TF_IMAGE", entrypoint: [""] },
        interruptible: true,
        // Provider versions are pinned by the cdktf bindings, so package-lock.json keys the plugin cache too.
        cache: { key: { files: ["package-lock.json"], prefix: "tf-plugins" }, paths: [".tf-plugin-cache/"] },
        before_script: ['mkdir -p "$TF_PLUGIN_CACHE_DIR"'],
      },
    },
  };
  const jobs: Pipeline["jobs"] = {
    verify: {
      extends: ".node",
      stage: "verify",
      // The npm cache is written here once per lockfile; the other jobs only read it.
      cache: [{ ...NPM_CACHE, policy: "pull-push" }, BUNDLE_CACHE],
      rules: [{ if: IF.schedule, when: "never" }, { when: "on_success" }],
      script: ["npm run typecheck", "npm run lint", "npx jest -c jest.fast.config.js --ci --coverage"],
      coverage: "/^Statements\\s*:\\s*(\\d+(?:\\.\\d+)?)%/",
      artifacts: {
        when: "always",
        expire_in: "1 week",
        reports: {
          junit: "reports/junit.xml",
          coverage_report: { coverage_format: "cobertura", path: "reports/coverage/cobertura-coverage.xml" },
        },
      },
    },
    build: buildJob(),
    ...Object.fromEntries(inCloud.map((env) => [`stable:${env.name}`, stableJob(env)])),
    synth: {
      extends: ".node",
      stage: "synth",
      // Synth builds the bundles (bin/run.cjs, the function zips) and keeps them for the next pipeline.
      cache: [NPM_CACHE, { ...BUNDLE_CACHE, policy: "pull-push" }],
      // The build's release.env (RELEASE_ID, IMAGE_DIGEST) names the release the stacks deploy.
      // stable:<env>: the stable release of each environment whose state is in its own cloud (default branch).
      needs: [
        { job: "verify", optional: true },
        { job: "build", optional: true, artifacts: true },
        ...inCloud.map((env) => ({ job: `stable:${env.name}`, optional: true, artifacts: true })),
      ],
      // The mock-provider test files go next to each stack, for validate:<env> (its image has no Node).
      script: ["sh ci/release/synth.sh", "npm run --silent ci:mocks"],
      artifacts: { expire_in: "1 week", paths: ["cdktf.out/"] },
    },
  };
  return { head, jobs };
}

const HEADER = ` Generated by \`npm run ci:pipeline\` from ci/pipeline/pipeline.ts, environments/ and
 lib/identity.ts. Do not edit by hand: change those and run the command again
 (a test fails when this file is out of date). docs/gitlab-ci.md explains it.`;

/** `.gitlab-ci.yml` text of the single pipeline of the environments (ci/pipeline/children.ts splits a large one). */
export function renderPipeline(environments: readonly EnvironmentConfig[]): string {
  return renderYaml(buildPipeline(environments), HEADER);
}

/** A pipeline as YAML under `header`, a blank line between top-level entries. */
export function renderYaml(pipeline: Pipeline, header: string): string {
  // No anchors: each job reads whole, even where jobs share one rule object.
  const doc = new Document(pipelineDocument(pipeline), { aliasDuplicateObjects: false });
  doc.commentBefore = header;
  // A blank line between top-level entries, so each job reads as a block.
  if (isMap(doc.contents)) {
    for (const [index, pair] of doc.contents.items.entries()) {
      if (index > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    }
  }
  return doc.toString({ lineWidth: 0 });
}
