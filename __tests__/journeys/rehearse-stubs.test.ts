/**
 * The rehearsal's stub shims (ci/rehearse/rehearse.ts, writeStubs): a call
 * answered by the one stub server of a rehearsal (stub.cjs --serve) is the
 * call a Node process per call answers: same stdout, stderr, exit code,
 * files in the job's folder, state store and stub-calls log.
 * A journey: it is the rehearsal's own machinery (only `npm run ci:rehearse`
 * and the rehearsal journeys run these shims), and each call made the Node
 * way costs a Node start (~1.5 CPU-s a run), too much for every edit.
 */
import { spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStubServer, writeStubs } from "../../ci/rehearse/rehearse";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "rehearse-stubs-"));
  writeStubs(join(tmp, "bin"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RESOURCES = 1500;
/** A stack whose state is in its environment's own S3 bucket (no fake GitLab needed), big enough for a >64 KB plan JSON. */
const STACK = {
  terraform: { backend: { s3: { bucket: "states", key: "dev/stack.tfstate" } } },
  resource: {
    aws_s3_bucket: Object.fromEntries(
      Array.from({ length: RESOURCES }, (_, i) => [`b${i}`, { bucket: `bucket-${i}` }]),
    ),
  },
};

interface Call {
  readonly tool: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly input?: string;
}

const PLANNER = { CI_JOB_NAME: "plan:dev", AWS_ROLE_ARN: "rehearsal-aws_role_arn_dev_plan" };
/**
 * One call per way a call can differ between the two paths, each made both ways (a Node start per call,
 * ~0.15 CPU-s, is most of this file's cost): the shim is the same text for every tool but crane's stdin line
 * and npm's way out to the real npm, so a call per tool would prove nothing more.
 */
const CALLS: readonly Call[] = [
  // Writes a file in the job's folder; a file name with a space.
  { tool: "tofu", args: ["plan", "-input=false", "-out=dev plan.tfplan"], env: PLANNER },
  // More stdout than a pipe holds (64 KB).
  { tool: "tofu", args: ["show", "-json", "dev plan.tfplan"], env: PLANNER },
  // Refused, on stderr with exit 1: the state of dev admits only its own identities (read from the caller's environment).
  {
    tool: "terraform",
    args: ["apply", "dev plan.tfplan"],
    env: { ...PLANNER, AWS_ROLE_ARN: "rehearsal-x_prod_deploy" },
  },
  // Writes the state store, as the job the caller's environment names.
  { tool: "tofu", args: ["apply", "-input=false", "dev plan.tfplan"], env: { ...PLANNER, CI_JOB_NAME: "deploy:dev" } },
  // Reads the caller's stdin.
  { tool: "crane", args: ["auth", "login", "registry.test", "-u", "ci", "--password-stdin"], input: "secret\n" },
  // No newline at the end of stdout; arguments with spaces, quotes, newlines and empty ones arrive as they were.
  { tool: "curl", args: ["-s", "https://login.microsoftonline.com/t/oauth2/v2.0/token", "-d", "a=b c"] },
  { tool: "apk", args: ["add", "--no-cache", "jq", 'it\'s "quoted"\nand two lines', ""] },
  // Leaves a symbolic link in the job's folder.
  { tool: "npm", args: ["ci"] },
];

interface Seen {
  readonly outputs: { code: number | null; stdout: string; stderr: string }[];
  readonly files: Record<string, string>;
  readonly log: string;
}

/** Runs every call in a fresh folder at the same paths; `server`: the stub server's folder, or none. */
function runCalls(server: string | undefined): Seen {
  const work = join(tmp, "work");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "builds", "plan-dev", "stack"), { recursive: true });
  const folder = join(work, "builds", "plan-dev", "stack");
  writeFileSync(join(folder, "cdk.tf.json"), JSON.stringify(STACK));
  writeFileSync(join(folder, "package-lock.json"), "{}\n");
  const log = join(work, "stub-calls.jsonl");
  const env = {
    PATH: `${join(tmp, "bin")}:${process.env.PATH ?? ""}`,
    REHEARSAL_LOG: log,
    REHEARSAL_PIPELINE: "1234",
    REHEARSAL_CLOUD_STATE: join(work, "cloud-state"),
    REHEARSAL_NODE_MODULES: join(work, "node_modules"),
    REHEARSAL_STUB_SERVER: server ?? "",
    CI_JOB_NAME: "build",
  };
  const outputs = CALLS.map((call) => {
    const run = spawnSync(call.tool, call.args, {
      cwd: folder,
      env: { ...env, ...call.env },
      input: call.input ?? "",
      encoding: "utf8",
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  });
  const files: Record<string, string> = {};
  for (const dir of [folder, join(work, "cloud-state")]) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      files[name] = lstatSync(path).isSymbolicLink() ? `-> ${readlinkSync(path)}` : readFileSync(path, "utf8");
    }
  }
  return { outputs, files, log: readFileSync(log, "utf8") };
}

describe("rehearsal stub shims", () => {
  it("answer through the one stub server exactly as a Node process per call does", async () => {
    const server = await startStubServer(join(tmp, "server"));
    let served: Seen;
    try {
      served = runCalls(server.dir);
    } finally {
      expect(await server.close()).toBe(CALLS.length);
    }
    const alone = runCalls(undefined);
    expect(served.outputs).toEqual(alone.outputs);
    expect(served.files).toEqual(alone.files);
    expect(served.log).toEqual(alone.log);

    // What the calls did, so the comparison is not of two empty answers.
    const codes = served.outputs.map((o) => o.code);
    expect(codes).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    expect(served.outputs[1].stdout.length).toBeGreaterThan(65536);
    expect(JSON.parse(served.outputs[1].stdout).resource_changes).toHaveLength(RESOURCES);
    expect(served.outputs[2].stderr).toBe(
      "rehearsal stub terraform: the s3 state of dev admits only its plan and deploy identities, not this job's\n",
    );
    expect(served.outputs[5].stdout).toBe('{"access_token":"entra-access-token"}');
    expect(Object.keys(served.files).sort()).toEqual([
      "cdk.tf.json",
      "dev plan.tfplan",
      "node_modules",
      "package-lock.json",
      "s3__states__dev.json",
    ]);
    const calls = served.log
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { job: string; args: string[]; outcome: string; detail?: string });
    expect(calls[4].detail).toBe("login registry.test");
    expect(calls[6].args).toEqual(["add", "--no-cache", "jq", 'it\'s "quoted"\nand two lines', ""]);
    expect(calls[3]).toMatchObject({ job: "deploy:dev", outcome: "ok" });
  });
});
