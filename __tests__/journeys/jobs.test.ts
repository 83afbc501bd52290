/**
 * Runs the generated job scripts with gitlab-ci-local --force-shell-executor
 * and a recording stub `tofu` first on PATH: what validate, drift and a
 * failing plan really execute, and what they leave for the jobs after them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ciProgram, DRIFT_EXIT_CODE } from "../../ci/cli";
import { NOTE_TOKEN_VARIABLE } from "../../ci/pipeline/pipeline";
import { stackDir } from "../../ci/pipeline/terraform";
import { FAKE_USER_ID, type FakeGitLab, startFakeGitLab } from "../../ci/rehearse/fake-gitlab";
import { writeMockTest } from "../../ci/validate/mocks";
import { identityVariables } from "../../lib/identity";
import { synthEnvironments } from "../../lib/stacks/synth";
import { captureIo, runProgram } from "../../tools/command";
import { fixturePath } from "../ci/helpers/plans";
import { shippedEnvironments } from "../helpers/environments";
import { gitlabCiLocal, type RunResult, sandbox, stubBin } from "./helpers/gitlab-ci-local";

const ROOT = join(__dirname, "..", "..");
const env = shippedEnvironments()[0];
const dir = stackDir(env.name);
const JOB_URL = "https://gitlab.test/group/blueprint/-/jobs/99";

/** A stub tofu that logs "<cwd name> <args>" and fails (exit `code`) when its first argument is `failOn`. */
function tofuStub(log: string, failOn = "", code = 1, showJson = ""): string {
  return [
    `echo "$(basename "$PWD") $*" >> "${log}"`,
    `if [ "$1" = "${failOn}" ]; then echo "stub tofu: $1 fails" >&2; exit ${code}; fi`,
    showJson === "" ? "" : `if [ "$1" = show ]; then cat "${showJson}"; fi`,
    "exit 0",
  ].join("\n");
}

/** The CI/CD variables the plan-purpose jobs of `env` require, with dummy values. */
function planVariables(): string[] {
  const vars = identityVariables(env.name, "plan") as unknown as Record<string, Record<string, string>>;
  return Object.values(vars).flatMap((cloud) => Object.values(cloud).flatMap((name) => ["--variable", `${name}=x`]));
}

describe("job scripts under gitlab-ci-local", () => {
  let project: string;
  let scratch: string;
  let gitlab: FakeGitLab | undefined;

  beforeAll(() => {
    project = sandbox({
      ".gitlab-ci.yml": readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8"),
      "ci/scripts/validate.sh": readFileSync(join(ROOT, "ci", "scripts", "validate.sh"), "utf8"),
    });
    // What the synth job writes, by its own code: the stack (synth) and its mock-provider test (ci:mocks).
    synthEnvironments([env], { outdir: join(project, "cdktf.out") });
    writeMockTest(join(project, dir));
    scratch = mkdtempSync(join(tmpdir(), "ci-jobs-"));
  });
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });
  afterEach(async () => {
    await gitlab?.close();
    gitlab = undefined;
  });

  function runJob(job: string, bin: string, extra: string[] = []): Promise<RunResult> {
    return gitlabCiLocal(
      project,
      [
        "--force-shell-executor",
        "--no-json-schema-validation",
        "--ignore-predefined-vars",
        "CI_JOB_URL",
        "--variable",
        `CI_JOB_URL=${JOB_URL}`,
        ...extra,
        job,
      ],
      bin,
    );
  }

  it(`validate:${env.name} runs init -backend=false, validate and test with mock providers, no credentials`, async () => {
    const log = join(scratch, "validate.log");
    const result = await runJob(`validate:${env.name}`, stubBin({ tofu: tofuStub(log) }));
    expect(result.stdout).toContain(`PASS  validate:${env.name}`);
    const stack = dir.split("/").at(-1);
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual([
      `${stack} init -backend=false -input=false -no-color`,
      `${stack} validate -no-color`,
      `${stack} test -no-color`,
    ]);
    expect(readFileSync(join(project, dir, "validate-result.txt"), "utf8")).toBe(`passed\n${JOB_URL}\n`);
  }, 60_000);

  it(`validate:${env.name} fails and records "failed" when the mock plan fails`, async () => {
    const log = join(scratch, "validate-fail.log");
    const result = await runJob(`validate:${env.name}`, stubBin({ tofu: tofuStub(log, "test") }));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(`FAIL  validate:${env.name}`);
    expect(readFileSync(join(project, dir, "validate-result.txt"), "utf8")).toBe(`failed\n${JOB_URL}\n`);
  }, 60_000);

  it(`drift:${env.name} is a refresh-only plan whose JSON files the drift issue`, async () => {
    const log = join(scratch, "drift.log");
    const bin = stubBin({ tofu: tofuStub(log, "plan", 2, fixturePath("plan-review.json")) });
    const result = await runJob(`drift:${env.name}`, bin, planVariables());
    expect(result.stdout).toContain(`PASS  drift:${env.name}`);
    expect(result.stdout).toContain(`DRIFT in ${env.name}: resources changed outside Terraform`);
    const calls = readFileSync(log, "utf8");
    expect(calls).toMatch(/ plan -input=false -refresh-only -lock=false -detailed-exitcode -out=drift\.tfplan\n/);
    expect(calls).toContain(" show -json drift.tfplan\n");
    // What drift-report:<env> does next with the job's artifacts.
    gitlab = await startFakeGitLab();
    const code = await runProgram(
      ciProgram(),
      [
        "drift",
        "--env",
        env.name,
        "--plan",
        join(project, dir, "drift.json"),
        "--job-url",
        readFileSync(join(project, dir, "drift-job-url.txt"), "utf8").trim(),
      ],
      captureIo({ env: { CI_SERVER_URL: gitlab.url, CI_PROJECT_ID: "42", [NOTE_TOKEN_VARIABLE]: "glpat-test-token" } }),
    );
    expect(code).toBe(DRIFT_EXIT_CODE);
    expect(gitlab.issues).toHaveLength(1);
    expect(gitlab.issues[0]).toMatchObject({ labels: ["drift"], state: "opened", authorId: FAKE_USER_ID });
    expect(gitlab.issues[0].description).toContain(`[the drift job](${JOB_URL})`);
  }, 60_000);

  it(`plan:${env.name} that fails still leaves its job URL for the "plan failed" note`, async () => {
    const log = join(scratch, "plan.log");
    const result = await runJob(`plan:${env.name}`, stubBin({ tofu: tofuStub(log, "plan") }), planVariables());
    expect(result.code).not.toBe(0);
    expect(readFileSync(log, "utf8")).toMatch(
      / plan -input=false -lock="?\w+"? -lock-timeout=\d+m -out=plan\.tfplan\n/,
    );
    expect(existsSync(join(project, dir, "plan.json"))).toBe(false);
    expect(readFileSync(join(project, dir, "plan-job-url.txt"), "utf8")).toBe(`${JOB_URL}\n`);
  }, 60_000);
});
