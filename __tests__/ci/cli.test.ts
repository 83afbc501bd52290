import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ciProgram, DRIFT_EXIT_CODE } from "../../ci/cli";
import type { RetryOptions } from "../../ci/gitlab/notes";
import { NOTE_TOKEN_VARIABLE } from "../../ci/pipeline/pipeline";
import { noteMarker, noteMarkerPrefix } from "../../ci/plan/render";
import { FAKE_USER_ID, type FakeGitLab, startFakeGitLab } from "../../ci/rehearse/fake-gitlab";
import { MOCK_TEST_FILE } from "../../ci/validate/mocks";
import { captureIo, runProgram } from "../../tools/command";
import { shippedEnvironments, synthEnvironment } from "../helpers/environments";
import { fixturePath, generatedPlan } from "./helpers/plans";

const ROOT = join(__dirname, "..", "..");
const COMMANDS = ["render", "report", "note", "steps-note", "drift", "mocks", "validate", "pipeline"];

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(
  argv: string[],
  ctx: { env?: Record<string, string | undefined>; retry?: RetryOptions } = {},
): Promise<Run> {
  const io = captureIo({ env: ctx.env ?? {} });
  const code = await runProgram(ciProgram(ctx.retry), argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "ci-cli-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** One line on stderr, no stack trace. */
function expectOneLineError(result: Run, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.err.trimEnd().split("\n")).toHaveLength(1);
  expect(result.err.trimEnd()).toMatch(pattern);
  expect(result.err).not.toMatch(/\n\s+at /);
}

/** Bad usage: exit 2, the message then the usage line. */
function expectUsageError(result: Run, pattern: RegExp, usage: RegExp): void {
  expect(result.code).toBe(2);
  const [message, line, ...rest] = result.err.trimEnd().split("\n");
  expect({ message, line, rest }).toEqual({
    message: expect.stringMatching(pattern),
    line: expect.stringMatching(usage),
    rest: [],
  });
}

describe("ci command line", () => {
  it("prints usage and exits 0 on --help, 2 without a command", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.out).toContain(`  ${command} `);
    expect((await run([])).code).toBe(2);
  });

  // "--help texts must be true": every option a command's help names is accepted by that command.
  it.each(COMMANDS)("%s --help lists only options the command accepts", async (command) => {
    const help = await run([command, "--help"]);
    expect(help.code).toBe(0);
    const options = [...help.out.matchAll(/^ {2}(--[a-z-]+)( <[^>]+>)?/gm)].map((m) => ({
      flag: m[1],
      takesValue: m[2] !== undefined,
    }));
    expect(options.length).toBeGreaterThan(0);
    for (const { flag, takesValue } of options) {
      const args = takesValue ? [command, flag, "x"] : [command, flag];
      const result = await run([...args, "--help"]);
      expect({ flag, err: result.err }).toEqual({ flag, err: "" });
      expect(result.code).toBe(0);
    }
  });

  it("rejects unknown commands, unknown options and missing values with exit 2 and the usage line", async () => {
    expectUsageError(
      await run(["deploy"]),
      /^ci: unknown command "deploy"; commands: render, report, note, steps-note, drift, mocks, validate, pipeline$/,
      /^Usage: npm run ci:<command> -- \[options\]/,
    );
    const renderUsage = /^Usage: npm run ci:render -- --plan <file> --env <name> \[options\] {3}\(--help for more\)$/;
    expectUsageError(await run(["render", "--nope"]), /^ci render: Unknown option '--nope'$/, renderUsage);
    expectUsageError(await run(["render", "--env", "dev"]), /^ci render: --plan <value> is required$/, renderUsage);
    expectUsageError(
      await run(["render", "--plan"]),
      /^ci render: Option '--plan <value>' argument missing$/,
      renderUsage,
    );
    expectUsageError(
      await run(["render", "--plan", fixturePath("plan-all-actions.json"), "--env", "dev", "--max-length", "12"]),
      /--max-length must be an integer of at least 5000/,
      renderUsage,
    );
    expectUsageError(await run(["render", "stray"]), /^ci render: unexpected argument stray$/, renderUsage);
  });

  it("exits 1 with a clear message on a missing or malformed plan", async () => {
    const missing = join(tmp, "missing.json");
    expectOneLineError(
      await run(["report", "--plan", missing]),
      /^ci report: .*missing\.json: not found; write it with `tofu show -json/,
    );
    expectOneLineError(await run(["report", "--plan", tmpFile("empty.json", "")]), /empty\.json: is empty/);
    expectOneLineError(
      await run(["report", "--plan", tmpFile("bad.json", "{ not json")]),
      /bad\.json: is not valid JSON \(/,
    );
    expectOneLineError(
      await run(["report", "--plan", tmpFile("nofmt.json", '{"resource_changes": []}')]),
      /nofmt\.json: is not a `show -json` plan: format_version: /,
    );
    expectOneLineError(
      await run([
        "render",
        "--env",
        "dev",
        "--plan",
        tmpFile(
          "badactions.json",
          '{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","type":"a","provider_name":"p","change":{"actions":"create"}}]}',
        ),
      ]),
      /badactions\.json: is not a `show -json` plan: resource_changes\.0\.change\.actions: /,
    );
    expectOneLineError(
      await run(["note", "--env", "dev", "--plan", tmpFile("state.json", '{"format_version":"1.0","values":{}}')]),
      /state\.json: is a state, not a plan/,
    );
  });

  it("renders a note and writes the terraform report", async () => {
    const rendered = await run(["render", "--plan", fixturePath("plan-all-actions.json"), "--env", "staging"], {
      env: { CI_JOB_URL: "https://gitlab.example.net/g/p/-/jobs/1" },
    });
    expect(rendered.code).toBe(0);
    expect(rendered.out.startsWith(noteMarker("staging"))).toBe(true);
    expect(rendered.out).toContain("[this job](https://gitlab.example.net/g/p/-/jobs/1)");
    const out = join(tmp, "report.json");
    const report = await run(["report", "--plan", fixturePath("plan-all-actions.json"), "--out", out]);
    expect(report.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ create: 3, update: 2, delete: 3 });
  });

  it("pipeline --check passes on the committed file and fails on a stale one", async () => {
    const ok = await run(["pipeline", "--check", "--out", join(ROOT, ".gitlab-ci.yml")]);
    expect(ok).toMatchObject({ code: 0, err: "" });
    expectOneLineError(
      await run(["pipeline", "--check", "--out", tmpFile("stale.yml", "stages: []\n")]),
      /stale\.yml is out of date .*run `npm run ci:pipeline`/,
    );
  });
});

describe("ci note", () => {
  let gitlab: FakeGitLab;
  afterEach(async () => gitlab?.close());
  const plan = fixturePath("plan-all-actions.json");
  const ciEnv = (token?: string) => ({
    CI_SERVER_URL: gitlab.url,
    CI_PROJECT_ID: "42",
    CI_MERGE_REQUEST_IID: "7",
    CI_JOB_URL: "https://gitlab.example.net/g/p/-/jobs/9",
    ...(token === undefined ? {} : { [NOTE_TOKEN_VARIABLE]: token }),
  });

  it("creates the note, then updates the same note on the next push", async () => {
    gitlab = await startFakeGitLab();
    const first = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv("glpat-test-token") });
    expect(first).toMatchObject({ code: 0, err: "" });
    expect(first.out).toMatch(/^Plan note for dev created on !7 \(note \d+\)\n$/);
    const second = await run(["note", "--env", "dev", "--plan", fixturePath("plan-no-changes.json")], {
      env: ciEnv("glpat-test-token"),
    });
    expect(second.out).toMatch(/^Plan note for dev updated on !7/);
    expect(gitlab.notes).toHaveLength(1);
    expect(gitlab.notes[0].body).toContain("### Plan for `dev`: no changes");
  });

  it("without a token, prints the note with a warning and exits 0", async () => {
    gitlab = await startFakeGitLab();
    const result = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv() });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      new RegExp(`^WARNING: the plan note for dev was not posted: ${NOTE_TOKEN_VARIABLE} is not set`),
    );
    expect(result.out.startsWith(noteMarker("dev"))).toBe(true);
    expect(gitlab.requests).toHaveLength(0);
  });

  it.each([401, 403, 404])("when GitLab refuses with %i, prints the note and fails the job", async (status) => {
    gitlab = await startFakeGitLab();
    gitlab.failures.push({ status });
    const result = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv("glpat-test-token") });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      new RegExp(`^ERROR: the plan note for dev was not written: GitLab refused the request: HTTP ${status}`),
    );
    expect(result.err).toContain("may be out of date");
    expect(result.out).toContain(noteMarker("dev"));
  });

  it("when GitLab keeps failing, retries, then fails the job the same way", async () => {
    gitlab = await startFakeGitLab();
    for (let i = 0; i < 3; i += 1) gitlab.failures.push({ status: 500 });
    const result = await run(["note", "--env", "dev", "--plan", plan], {
      env: ciEnv("glpat-test-token"),
      retry: { attempts: 3, sleep: async () => {} },
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain("GitLab API: HTTP 500");
    expect(result.err).toContain("retry 2 in");
    expect(result.err).toMatch(/ERROR: the plan note for dev was not written: GitLab kept failing after 3 attempts/);
    expect(result.out).toContain(noteMarker("dev"));
  });

  it("outside a merge request, prints the note with a warning, or only writes --out", async () => {
    gitlab = await startFakeGitLab();
    const env = { ...ciEnv("glpat-test-token"), CI_MERGE_REQUEST_IID: undefined };
    const result = await run(["note", "--env", "dev", "--plan", plan], { env });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/not in a merge-request pipeline/);
    const out = join(tmp, "default-branch-note.md");
    const rendered = await run(["note", "--env", "dev", "--plan", plan, "--out", out], { env });
    expect(rendered).toMatchObject({ code: 0, err: "" });
    expect(rendered.out).toBe(`Not a merge-request pipeline: the plan of dev is rendered in ${out}, no note posted\n`);
    expect(readFileSync(out, "utf8")).toContain("#### Details");
    expect(gitlab.requests).toHaveLength(0);
  });

  it("names commit, pipeline and validate result, and writes the full plan as an artifact it links", async () => {
    gitlab = await startFakeGitLab();
    const validate = tmpFile("validate-result.txt", "failed\nhttps://gitlab.example.net/g/p/-/jobs/8\n");
    const out = join(tmp, "plan-note.md");
    const env = {
      ...ciEnv("glpat-test-token"),
      CI_COMMIT_SHA: "a".repeat(40),
      CI_PIPELINE_ID: "31",
      CI_PIPELINE_URL: "https://gitlab.example.net/g/p/-/pipelines/31",
    };
    const result = await run(["note", "--env", "dev", "--plan", plan, "--validate", validate, "--out", out], { env });
    expect(result).toMatchObject({ code: 0, err: "" });
    const body = gitlab.notes[0].body;
    expect(body).toContain(`commit \`${"a".repeat(40)}\``);
    expect(body).toContain("pipeline [#31](https://gitlab.example.net/g/p/-/pipelines/31)");
    expect(body).toContain(":x: **failed** ([job](https://gitlab.example.net/g/p/-/jobs/8))");
    expect(readFileSync(out, "utf8")).toContain("- **update** `aws_db_instance.state`");
    // A missing result file (the validate job did not run) reads as "not run".
    await run(["note", "--env", "dev", "--plan", plan, "--validate", join(tmp, "none.txt")], { env });
    expect(gitlab.notes[0].body).toContain("mock providers): not run.");
  });

  it("splits a long list over numbered notes, then shrinks back and deletes the continuations", async () => {
    gitlab = await startFakeGitLab({ notes: [{ body: "LGTM", system: false }] });
    const big = tmpFile("big.json", JSON.stringify(generatedPlan(400, 1, 10)));
    const first = await run(["note", "--env", "dev", "--plan", big, "--max-length", "10000"], {
      env: ciEnv("glpat-test-token"),
    });
    expect(first.code).toBe(0);
    const parts = gitlab.notes.filter((n) => n.body.startsWith(noteMarkerPrefix("dev")));
    expect(parts.length).toBeGreaterThan(2);
    expect(first.out).toContain(`Plan note for dev (part ${parts.length} of ${parts.length}) created on !7`);
    for (const [i, note] of parts.entries()) {
      expect(note.body.split("\n")[0]).toBe(noteMarker("dev", i + 1));
      expect(note.body.length).toBeLessThanOrEqual(10_000);
    }
    const ids = parts.map((n) => n.id);
    const again = await run(["note", "--env", "dev", "--plan", big, "--max-length", "10000"], {
      env: ciEnv("glpat-test-token"),
    });
    expect(again.out).toContain(`Plan note for dev (part 2 of ${parts.length}) unchanged`);
    const small = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv("glpat-test-token") });
    expect(small.out).toContain(`Deleted ${parts.length - 1} continuation notes no longer needed`);
    expect(gitlab.notes.map((n) => n.id)).toEqual([1000, ids[0]]);
  });

  it("turns the note into 'plan failed at <sha>' when the plan job failed", async () => {
    gitlab = await startFakeGitLab();
    const env = { ...ciEnv("glpat-test-token"), CI_COMMIT_SHA: "b".repeat(40) };
    await run(["note", "--env", "dev", "--plan", plan], { env });
    expect(gitlab.notes[0].body).toContain(`commit \`${"b".repeat(40)}\``);
    // A merged-results pipeline names the head of the merge request's branch, not its temporary merge commit.
    await run(["note", "--env", "dev", "--plan", plan], {
      env: { ...env, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: "d".repeat(40) },
    });
    expect(gitlab.notes[0].body).toContain(`commit \`${"d".repeat(40)}\``);
    const failed = await run(
      ["note", "--env", "dev", "--failed", "--job-url", "https://gitlab.example.net/g/p/-/jobs/10"],
      { env },
    );
    expect(failed).toMatchObject({ code: 0, err: "" });
    expect(failed.out).toMatch(/^Plan note for dev updated on !7/);
    expect(gitlab.notes).toHaveLength(1);
    expect(gitlab.notes[0].body).toContain(`plan failed at \`${"b".repeat(40)}\``);
    expect(gitlab.notes[0].body).toContain("[plan job](https://gitlab.example.net/g/p/-/jobs/10)");
    expect(gitlab.notes[0].body).not.toContain("aws_db_instance");
  });

  it("leaves a note with the marker by another author alone and posts its own", async () => {
    gitlab = await startFakeGitLab({
      notes: [{ body: `${noteMarker("dev")}\nstale plan`, system: false, authorId: FAKE_USER_ID + 5 }],
    });
    const result = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv("glpat-test-token") });
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toContain("created on !7");
    expect(result.out).toContain("Left 1 note(s) with this environment's marker by another author alone");
    expect(gitlab.notes[0].body).toBe(`${noteMarker("dev")}\nstale plan`);
    expect(gitlab.notes).toHaveLength(2);
  });
});

describe("ci steps-note", () => {
  let gitlab: FakeGitLab;
  afterEach(async () => gitlab?.close());
  const steps = [
    "--step",
    `promote=${fixturePath("plan-all-actions.json")}`,
    "--step",
    `rollback=${fixturePath("plan-no-changes.json")}`,
  ];

  it("off a merge request, writes the note of every step to --out and says so", async () => {
    const out = join(tmp, "steps", "dev-steps-note.md");
    const result = await run(["steps-note", "--env", "dev", ...steps, "--out", out]);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toContain(`rendered in ${out}`);
    const note = readFileSync(out, "utf8");
    expect(note).toContain("#### promote: 1 to create");
    expect(note).toContain("#### rollback: no changes");
  });

  it("fails naming the file when the note cannot be written", async () => {
    const blocker = tmpFile("steps-blocker", "a file, not a folder");
    const result = await run(["steps-note", "--env", "dev", ...steps, "--out", join(blocker, "note.md")]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^ci steps-note: the rollout plans note of dev was not written to .*note\.md: /);
  });

  it("refuses a --step without its plan file", async () => {
    const result = await run(["steps-note", "--env", "dev", "--step", "promote", "--out", join(tmp, "x.md")]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("--step takes <name>=<plan.json>");
  });

  it("on a merge request, posts its own note beside the environment's, and fails when GitLab refuses", async () => {
    gitlab = await startFakeGitLab();
    const env = {
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_ID: "42",
      CI_MERGE_REQUEST_IID: "7",
      [NOTE_TOKEN_VARIABLE]: "glpat-test-token",
    };
    const plan = fixturePath("plan-all-actions.json");
    expect((await run(["note", "--env", "dev", "--plan", plan], { env })).code).toBe(0);
    const out = join(tmp, "mr-steps-note.md");
    expect((await run(["steps-note", "--env", "dev", ...steps, "--out", out], { env })).code).toBe(0);
    expect(gitlab.notes.map((n) => n.body.split("\n")[0])).toEqual([noteMarker("dev"), noteMarker("dev-steps")]);
    gitlab.failures.push({ status: 403 });
    const refused = await run(["steps-note", "--env", "dev", ...steps, "--out", out], { env });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^ERROR: the plan note for dev-steps was not written: GitLab refused the request: HTTP 403/,
    );
  });
});

describe("ci drift", () => {
  let gitlab: FakeGitLab;
  afterEach(async () => gitlab?.close());
  const env = () => ({
    CI_SERVER_URL: gitlab.url,
    CI_PROJECT_ID: "42",
    CI_COMMIT_SHA: "c".repeat(40),
    CI_JOB_URL: "https://gitlab.example.net/g/p/-/jobs/20",
    [NOTE_TOKEN_VARIABLE]: "glpat-test-token",
  });
  const drifted = fixturePath("plan-review.json");

  it("opens one issue per environment, updates it, and closes it when the drift is gone", async () => {
    gitlab = await startFakeGitLab({
      issues: [
        {
          title: "someone's own note",
          description: "<!-- multicloud-blueprint drift environment=dev -->\nby hand",
          labels: ["drift"],
          state: "opened",
          authorId: FAKE_USER_ID + 1,
          comments: [],
        },
      ],
    });
    const first = await run(["drift", "--env", "dev", "--plan", drifted], { env: env() });
    expect(first.code).toBe(DRIFT_EXIT_CODE);
    expect(first.out).toContain("Drift issue of dev #2: created");
    const issue = gitlab.issues[1];
    expect(issue).toMatchObject({
      title: "Drift in dev: 1 resource changed outside Terraform",
      labels: ["drift"],
      state: "opened",
    });
    expect(issue.description).toContain("`aws_security_group.web`: changed outside Terraform");
    const second = await run(["drift", "--env", "dev", "--plan", drifted], { env: env() });
    expect(second.out).toContain("Drift issue of dev #2: unchanged");
    await run(["drift", "--env", "staging", "--plan", drifted], { env: env() });
    expect(gitlab.issues).toHaveLength(3);
    const clean = tmpFile(
      "clean.json",
      JSON.stringify({ ...JSON.parse(readFileSync(drifted, "utf8")), resource_drift: [] }),
    );
    const third = await run(["drift", "--env", "dev", "--plan", clean], { env: env() });
    expect(third.code).toBe(0);
    expect(third.out).toContain("Drift issue of dev #2: closed");
    expect(gitlab.issues[1].state).toBe("closed");
    expect(gitlab.issues[1].comments[0]).toContain(`No drift in \`dev\` at commit \`${"c".repeat(40)}\``);
    // The other author's issue and the other environment's are untouched.
    expect(gitlab.issues[0]).toMatchObject({
      state: "opened",
      description: "<!-- multicloud-blueprint drift environment=dev -->\nby hand",
    });
    expect(gitlab.issues[2].state).toBe("opened");
    const none = await run(["drift", "--env", "dev", "--plan", clean], { env: env() });
    expect(none.out).toContain("Drift issue of dev: none");
  });

  it("without a token, prints the drift with a warning and still exits 2", async () => {
    gitlab = await startFakeGitLab();
    const result = await run(["drift", "--env", "dev", "--plan", drifted], {
      env: { ...env(), [NOTE_TOKEN_VARIABLE]: undefined },
    });
    expect(result.code).toBe(DRIFT_EXIT_CODE);
    expect(result.err).toMatch(/^WARNING: the drift issue of dev was not updated/);
    expect(result.out).toContain("changed outside Terraform");
    expect(gitlab.requests).toHaveLength(0);
  });
});

describe("ci mocks and validate", () => {
  const config = shippedEnvironments()[0];
  const { json } = synthEnvironment(config);

  function stacks(): string {
    const dir = mkdtempSync(join(tmp, "stacks-"));
    mkdirSync(join(dir, config.name));
    writeFileSync(join(dir, config.name, "cdk.tf.json"), JSON.stringify(json));
    mkdirSync(join(dir, "aliased"));
    writeFileSync(
      join(dir, "aliased", "cdk.tf.json"),
      JSON.stringify({
        terraform: { required_providers: { aws: {}, gitlab: {} } },
        provider: { aws: [{ alias: "b" }, { alias: "a" }] },
      }),
    );
    return dir;
  }

  it("writes a mock_provider block for every provider and alias of each stack, and a plan run", async () => {
    const dir = stacks();
    const result = await run(["mocks", "--stacks", dir]);
    expect(result).toMatchObject({ code: 0, err: "" });
    const test = readFileSync(join(dir, config.name, MOCK_TEST_FILE), "utf8");
    const providers = new Set([
      ...Object.keys(json.terraform.required_providers ?? {}),
      ...Object.keys(json.provider ?? {}),
    ]);
    expect(providers.size).toBeGreaterThan(0);
    const mocked = [...test.matchAll(/^mock_provider "([^"]+)" \{\}$/gm)].map((m) => m[1]);
    expect(mocked).toEqual([...providers].sort());
    expect(test).toContain('run "plan_with_mock_providers" {\n  command = plan\n}\n');
    expect(readFileSync(join(dir, "aliased", MOCK_TEST_FILE), "utf8")).toContain(
      'mock_provider "aws" {}\nmock_provider "aws" {\n  alias = "a"\n}\nmock_provider "aws" {\n  alias = "b"\n}\nmock_provider "gitlab" {}\n',
    );
  });

  it("says clearly that it skipped when neither tofu nor terraform is on PATH", async () => {
    const dir = stacks();
    const empty = mkdtempSync(join(tmp, "empty-path-"));
    const result = await run(["validate", "--stacks", dir], { env: { PATH: empty } });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^validate: SKIPPED: neither tofu nor terraform is on PATH, so nothing was checked/);
    expect(readFileSync(join(dir, config.name, MOCK_TEST_FILE), "utf8")).toContain("mock_provider");
  });

  it("runs init -backend=false, validate and test per stack with the tofu it finds, and fails when one fails", async () => {
    const dir = stacks();
    const bin = mkdtempSync(join(tmp, "bin-"));
    const log = join(bin, "calls.log");
    writeFileSync(
      join(bin, "tofu"),
      `#!/bin/sh\necho "$(basename "$PWD") $*" >> "${log}"\nif [ "$1" = test ] && [ "$(basename "$PWD")" = aliased ]; then echo "mock plan failed" >&2; exit 1; fi\n`,
      { mode: 0o755 },
    );
    const result = await run(["validate", "--stacks", dir], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(result.code).toBe(1);
    expect(result.err).toContain(`validate: 1 of 2 stacks failed: ${join(dir, "aliased")}`);
    expect(readFileSync(log, "utf8").split("\n").filter(Boolean)).toEqual([
      "aliased init -backend=false -input=false -no-color",
      "aliased validate -no-color",
      "aliased test -no-color",
      `${config.name} init -backend=false -input=false -no-color`,
      `${config.name} validate -no-color`,
      `${config.name} test -no-color`,
    ]);
    expect(readFileSync(join(dir, config.name, "validate-result.txt"), "utf8").split("\n")[0]).toBe("passed");
    expect(readFileSync(join(dir, "aliased", "validate-result.txt"), "utf8").split("\n")[0]).toBe("failed");
  });

  it("stops with one line when nothing was synthesized", async () => {
    expectOneLineError(
      await run(["mocks", "--stacks", join(tmp, "nowhere")]),
      /^ci mocks: .*nowhere: not found; run `npm run synth` first$/,
    );
  });
});

describe("npm run ci:* entry point", () => {
  // In-process: ci/main.ts is `main(ciProgram())`. That main() spawned through bin/run.cjs exits with the command's
  // code and its one line is proven by images.test.ts (images:pin), ci/main.ts spawned by journeys/help-spawn.test.ts;
  // a Node start here (~0.5 CPU-s, more when the bundle is rebuilt) proved nothing beyond them.
  it("exits 1 with one line and no stack trace on a missing plan", async () => {
    const result = await run(["render", "--plan", "nope.json", "--env", "dev"]);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toBe(
      "ci render: nope.json: not found; write it with `tofu show -json <planfile> > nope.json`\n",
    );
  });
});
