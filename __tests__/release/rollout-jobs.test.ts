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
import { type FakeGitLab, startFakeGitLab } from "../../ci/rehearse/fake-gitlab";
import { main } from "../../ci/release/main";
import { shippedEnvironments } from "../helpers/environments";

const configs = shippedEnvironments();
const pipeline = buildPipeline(configs);
const scriptOf = (job: string) => (pipeline[job] as { script: string[] }).script;

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

describe("release:stable in a merge-request pipeline", () => {
  let gitlab: FakeGitLab;
  afterEach(() => gitlab.close());

  it("reads unprotected environments only; on the default branch every one", async () => {
    gitlab = await startFakeGitLab({ projectId: "42", jobToken: "job" });
    const out = mkdtempSync(join(tmpdir(), "stable-"));
    const env = (source: string) => ({
      CI_API_V4_URL: `${gitlab.url}/api/v4`,
      CI_PROJECT_ID: "42",
      CI_JOB_TOKEN: "job",
      CI_PIPELINE_SOURCE: source,
    });
    const io = { out: () => {}, err: () => {} };
    const read = () => gitlab.requests.map((r) => decodeURIComponent(r.path.split("/").at(-1) ?? "")).sort();
    expect(await main(["stable", "--out", out], io, env("merge_request_event"))).toBe(0);
    expect(read()).toEqual(
      configs
        .filter((c) => !c.protect)
        .map((c) => c.name)
        .sort(),
    );
    expect(configs.some((c) => c.protect)).toBe(true);
    gitlab.requests.length = 0;
    expect(await main(["stable", "--out", out], io, env("push"))).toBe(0);
    expect(read()).toEqual(configs.map((c) => c.name).sort());
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
      expect(script.at(-1)).toBe(`npm run --silent release:verify -- --env ${env.name}`);
    }
  });
});
