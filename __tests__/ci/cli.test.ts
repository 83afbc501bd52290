import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliContext, main } from "../../ci/cli";
import { NOTE_TOKEN_VARIABLE } from "../../ci/pipeline/pipeline";
import { noteMarker } from "../../ci/plan/render";
import { type FakeGitLab, startFakeGitLab } from "./helpers/gitlab-server";
import { fixturePath } from "./helpers/plans";

const ROOT = join(__dirname, "..", "..");

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], ctx: Omit<CliContext, "io"> = {}): Promise<Run> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    env: {},
    ...ctx,
    io: { out: (text) => (out += text), err: (text) => (err += text) },
  });
  return { code, out, err };
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

describe("ci command line", () => {
  it("prints usage and exits 0 on --help, 1 without a command", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["render", "report", "note", "pipeline"]) expect(help.out).toContain(`  ${command} `);
    expect((await run([])).code).toBe(1);
  });

  // "--help texts must be true": every option a command's help names is accepted by that command.
  it.each(["render", "report", "note", "pipeline"])(
    "%s --help lists only options the command accepts",
    async (command) => {
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
    },
  );

  it("rejects unknown commands, unknown options and missing values in one line", async () => {
    expectOneLineError(
      await run(["deploy"]),
      /^ci unknown command "deploy"; commands: render, report, note, pipeline; see --help$/,
    );
    expectOneLineError(await run(["render", "--nope"]), /^ci render: Unknown option '--nope'; see --help$/);
    expectOneLineError(await run(["render", "--env", "dev"]), /^ci render: --plan <value> is required; see --help$/);
    expectOneLineError(
      await run(["render", "--plan"]),
      /^ci render: Option '--plan <value>' argument missing; see --help$/,
    );
    expectOneLineError(
      await run(["render", "--plan", fixturePath("plan-all-actions.json"), "--env", "dev", "--max-length", "12"]),
      /--max-length must be an integer of at least 1000/,
    );
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

  it("when GitLab refuses, prints the note with a warning and exits 0", async () => {
    gitlab = await startFakeGitLab();
    gitlab.failures.push({ status: 403 });
    const result = await run(["note", "--env", "dev", "--plan", plan], { env: ciEnv("glpat-test-token") });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^WARNING: the plan note for dev was not posted: GitLab refused the request: HTTP 403/);
    expect(result.out).toContain(noteMarker("dev"));
  });

  it("when GitLab keeps failing, retries, then degrades the same way", async () => {
    gitlab = await startFakeGitLab();
    for (let i = 0; i < 3; i += 1) gitlab.failures.push({ status: 500 });
    const result = await run(["note", "--env", "dev", "--plan", plan], {
      env: ciEnv("glpat-test-token"),
      retry: { attempts: 3, sleep: async () => {} },
    });
    expect(result.code).toBe(0);
    expect(result.err).toContain("GitLab API: HTTP 500");
    expect(result.err).toContain("retry 2 in");
    expect(result.err).toMatch(/WARNING: the plan note for dev was not posted: GitLab kept failing after 3 attempts/);
    expect(result.out).toContain(noteMarker("dev"));
  });

  it("outside a merge request, prints the note with a warning", async () => {
    gitlab = await startFakeGitLab();
    const env = { ...ciEnv("glpat-test-token"), CI_MERGE_REQUEST_IID: undefined };
    const result = await run(["note", "--env", "dev", "--plan", plan], { env });
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/not in a merge-request pipeline/);
  });
});

describe("npm run ci:* entry point", () => {
  it("exits 1 with one line and no stack trace on a missing plan", () => {
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
        "ci/main.ts",
        "render",
        "--plan",
        "nope.json",
        "--env",
        "dev",
      ],
      { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "ci render: nope.json: not found; write it with `tofu show -json <planfile> > nope.json`\n",
    );
  });
});
