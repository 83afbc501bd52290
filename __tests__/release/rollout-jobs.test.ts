/**
 * The rollout jobs' guards, run as they are generated: promote, rollback and
 * auto-rollback refuse to apply from an outdated pipeline (the environment's
 * `release_deployed` is another release), and a merge-request pipeline's
 * `release:stable` never reads a protected environment's state.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPipeline } from "../../ci/pipeline/pipeline";
import { stackDir } from "../../ci/pipeline/terraform";
import { type FakeGitLab, startFakeGitLab } from "../../ci/rehearse/fake-gitlab";
import { RELEASE } from "../../ci/release/main";
import { environmentStateLocation } from "../../lib/backend";
import { runProgram } from "../../tools/command";
import { shippedEnvironments } from "../helpers/environments";
import { scratchDir } from "../helpers/scratch";

const configs = shippedEnvironments();
const pipeline = buildPipeline(configs).jobs;
const scriptOf = (job: string) => pipeline[job].script ?? [];

/** The script lines from the release check up to the apply, run by sh with a `$TF` that prints `deployed`. */
function runGuard(job: string, deployed: string, release: string) {
  const dir = mkdtempSync(join(tmpdir(), "rollout-guard-"));
  try {
    const tf = join(dir, "tofu");
    writeFileSync(
      tf,
      `#!/bin/sh\n[ "$1" = output ] && printf '%s\\n' '${deployed}'\n[ "$1" = apply ] && echo APPLIED\nexit 0\n`,
    );
    chmodSync(tf, 0o755);
    const script = scriptOf(job);
    const from = script.findIndex((line) => line.includes("release_deployed"));
    const lines = [`TF=${tf}`, ...script.slice(from)];
    return spawnSync("sh", ["-ec", lines.join("\n")], {
      env: { PATH: process.env.PATH, RELEASE_ID: release },
      encoding: "utf8",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("rollout jobs refuse an outdated pipeline", () => {
  const env = configs.find((e) => e.canaryPercent > 0) ?? configs[0];
  const jobs = [`promote:${env.name}`, `rollback:${env.name}`, `auto-rollback:${env.name}`].filter(
    (j) => j in pipeline,
  );

  it.each(jobs)("%s applies when the environment still runs this pipeline's release", (job) => {
    const run = runGuard(job, '{"id":"abc","step":"canary"}', "abc");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("APPLIED");
  });

  it.each(jobs)("%s refuses, before applying, when a newer pipeline deployed another release", (job) => {
    const run = runGuard(job, '{"id":"newer","step":"canary"}', "abc");
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain("APPLIED");
    expect(run.stderr).toContain(`${job} refused: ${env.name} runs release newer, not abc of this pipeline`);
  });

  it("every apply of a rollout step is of the plan file plan-steps saved", () => {
    for (const job of jobs) {
      const step = job.startsWith("promote") ? "promote" : "rollback";
      expect(scriptOf(job).at(-1)).toMatch(new RegExp(`apply .* ${step}\\.tfplan$`));
      expect(scriptOf(job).some((line) => / plan /.test(line))).toBe(false);
    }
    expect(scriptOf(`plan-steps:${env.name}`).filter((line) => line.includes("-out="))).toHaveLength(
      env.canaryPercent > 0 ? 2 : 1,
    );
  });
});

describe("plan-steps-note:<env> shows the plans plan-steps saved", () => {
  it.each(configs.map((env) => env.name))("%s: renders each saved step's plan JSON into its artifact", (name) => {
    const note = pipeline[`plan-steps-note:${name}`];
    const steps = pipeline[`plan-steps:${name}`];
    expect(note.needs).toEqual([{ job: `plan-steps:${name}`, artifacts: true }]);
    const read = [...scriptOf(`plan-steps-note:${name}`)[0].matchAll(/--step (\w+)=(\S+)/g)].map((m) => [m[1], m[2]]);
    expect(read.map(([step]) => step)).toEqual(
      [
        ...scriptOf(`plan-steps:${name}`)
          .join("\n")
          .matchAll(/-out=(\w+)\.tfplan/g),
      ].map((m) => m[1]),
    );
    // Each plan it reads is one plan-steps hands on.
    for (const [, file] of read) expect(steps.artifacts?.paths).toContain(file);
    const out = /--out (\S+)/.exec(scriptOf(`plan-steps-note:${name}`)[0])?.[1];
    expect(note.artifacts?.paths).toEqual([out]);
  });
});

describe("release:stable and state kept in an environment's own cloud", () => {
  let gitlab: FakeGitLab;
  afterEach(() => gitlab.close());

  it("reads only GitLab-managed state, in merge requests and on the default branch; protected environments are never read", async () => {
    gitlab = await startFakeGitLab({ projectId: "42", jobToken: "job" });
    const out = scratchDir("stable");
    const env = (source: string) => ({
      CI_API_V4_URL: `${gitlab.url}/api/v4`,
      CI_PROJECT_ID: "42",
      CI_JOB_TOKEN: "job",
      CI_PIPELINE_SOURCE: source,
      CI_COMMIT_BRANCH: source === "push" ? "main" : undefined,
      CI_DEFAULT_BRANCH: "main",
    });
    const errors: string[] = [];
    const stable = (source: string) =>
      runProgram(RELEASE, ["stable", "--out", out], {
        out: () => {},
        err: (text) => errors.push(text),
        cwd: process.cwd(),
        env: env(source),
      });
    const read = () => gitlab.requests.map((r) => decodeURIComponent(r.path.split("/").at(-1) ?? "")).sort();
    const gitlabState = configs.filter((c) => c.backend.type === "http" || c.backend.type === "local");
    const inCloud = configs.filter((c) => c.backend.type === "cloud");
    // Every protected environment keeps its state in its own cloud (the schema refuses anything else).
    expect(configs.filter((c) => c.protect).every((c) => c.backend.type !== "http" && c.backend.type !== "local")).toBe(
      true,
    );
    expect(await stable("merge_request_event")).toBe(0);
    expect(read()).toEqual(gitlabState.map((c) => c.name).sort());
    gitlab.requests.length = 0;
    if (inCloud.length > 0) {
      // On the default branch, synth must not go on without stable:<env>'s record: a silent first deploy would
      // give the new release all of production's traffic.
      expect(await stable("push")).toBe(1);
      expect(errors.join("\n")).toMatch(
        new RegExp(`${inCloud[0].name}: its state is in its own cloud and stable:${inCloud[0].name} left no record`),
      );
      for (const c of inCloud) writeFileSync(join(out, `${c.name}.none`), "no release in state yet\n");
    }
    gitlab.requests.length = 0;
    expect(await stable("push")).toBe(0);
    expect(read()).toEqual(gitlabState.map((c) => c.name).sort());
    rmSync(out, { recursive: true, force: true });
  });
});

describe("verify:<env> in the pipeline", () => {
  it("reads the edge's signal with the plan Cloudflare token where there is a canary, and logs in nowhere else", () => {
    for (const env of configs) {
      const script = scriptOf(`verify:${env.name}`);
      const exports = script.filter((line) => line.startsWith("export "));
      if (env.canaryPercent > 0) {
        expect(exports).toEqual([
          expect.stringMatching(/^export CLOUDFLARE_API_TOKEN="\$\{CLOUDFLARE_API_TOKEN_\w+_PLAN:\?/),
        ]);
      } else {
        expect(exports).toEqual([]);
      }
      // An environment whose state is in its own cloud gets its outputs from outputs:<env>, not from GitLab.
      const outputs =
        environmentStateLocation(env) === undefined ? "" : ` --outputs ${stackDir(env.name)}/outputs.json`;
      expect(script.at(-1)).toBe(`npm run --silent release:verify -- --env ${env.name}${outputs}`);
    }
  });
});
