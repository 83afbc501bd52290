import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { runSynth } from "../../lib/stacks/synth";
import { synthCommand } from "../../main";
import { runCommand } from "../../tools/command";
import { environmentInput, SHIPPED_NAMES, type ShippedSynth, shippedSynth } from "../helpers/environments";
import { tree, writeTree } from "../helpers/files";
import { messagesIo } from "../helpers/io";

const ROOT = join(__dirname, "..", "..");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
}

// Each full synth of the shipped environments costs about a second, so the
// run synthesizes once (shippedSynth: main.ts in a process, as `cdktf deploy`
// runs it: the environments and the bootstrap stack; stacks/addresses.test.ts
// and policy/secrets.test.ts read it too) and every test reads that output,
// written back to `first` where a test needs a previous output. That `cdktf
// synth` and an in-process runSynth write the same bytes is a journey
// (__tests__/journeys/synth-cli.test.ts).
describe("synth of the shipped environments", () => {
  let work: string;
  let first: ShippedSynth;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "synth-"));
    first = shippedSynth();
    expect(first.code).toBe(0);
    writeTree(join(work, "first"), first.files);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes one stack per environment plus the bootstrap stack beside them and prints a summary", () => {
    expect(first.err).toEqual([]);
    expect(readdirSync(join(work, "first", "stacks")).sort()).toEqual([...SHIPPED_NAMES, "bootstrap"].sort());
    const [first_] = SHIPPED_NAMES;
    expect(first.out.join("\n")).toMatch(
      new RegExp(
        `^Synthesized ${SHIPPED_NAMES.length + 1} stacks:\n {2}${first_} .*-> .*stacks/${first_}/cdk\\.tf\\.json`,
      ),
    );
    expect(first.out.join("\n")).toMatch(
      /\n {2}bootstrap +\d+ resources \([a-z]+ \d+(, [a-z]+ \d+)*\) +-> .*stacks\/bootstrap\/cdk\.tf\.json\nPolicy: 0 errors/,
    );
    // No path of this machine in what is committed to state and reviewed.
    expect(readFileSync(join(work, "first", "stacks", "bootstrap", "cdk.tf.json"), "utf8")).not.toContain(
      dirname(first.outdir),
    );
  });

  it("stops on a bad config with exit 1, every problem listed, and the previous output untouched", () => {
    const outdir = join(work, "first");
    const before = tree(outdir);
    const { io, out, err } = capture();
    const bad = {
      dev: environmentInput({ name: "dev", clouds: ["aws", "oracle"] }),
      qa: environmentInput({ name: "dev" }),
    };
    expect(runSynth(bad, { outdir, company }, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(
      'environments/dev.ts: dev.clouds.1: is not allowed; expected one of "aws", "azure", "gcp"',
    );
    expect(err[0]).toContain(
      'environments/qa.ts: dev.name: "dev" is also the name in environments/dev.ts; environment names must be unique',
    );
    expect(err[0]).not.toMatch(/\n\s+at /);
    expect(tree(outdir)).toEqual(before);
    expect(readdirSync(work).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("synthesizes only the stacks named, still validating them all, and refuses an unknown one", () => {
    const [name] = SHIPPED_NAMES;
    const outdir = join(work, "only");
    const { io, out, err } = capture();
    expect(runSynth(environments, { outdir, company, bootstrap, only: [name], printWarnings: false }, io)).toBe(0);
    expect(err).toEqual([]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual([name]);
    expect(out).toHaveLength(1); // the summary; cdktf's CLI prints the warnings itself
    expect(out[0]).toMatch(/^Synthesized 1 stack:/);
    const unknown = capture();
    expect(runSynth(environments, { outdir, company, bootstrap, only: ["zz-nope"] }, unknown.io)).toBe(1);
    expect(unknown.err).toEqual([`Unknown stack zz-nope; known: ${[...SHIPPED_NAMES, "bootstrap"].join(", ")}`]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual([name]);
  });

  it("stops on a value only a cloud refuses with exit 1, naming the environment and field", () => {
    const input = environmentInput({
      name: "qa",
      clouds: ["aws"],
      azure: undefined,
      gcp: undefined,
      weights: { "aws.function": 100 },
      service: { ...environmentInput().service, logRetentionDays: 45 },
    });
    const { io, out, err } = capture();
    // 45 days passes the config schema (1-3653) but not CloudWatch: the AWS target names the field.
    expect(runSynth({ qa: input }, { outdir: join(work, "refused"), company }, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(
      "environments/qa.ts: qa.service.logRetentionDays: 45 is not a CloudWatch retention (1, 3, 5, 7, 14, 30, …)",
    );
    expect(err[0]).not.toMatch(/\n\s+at /);
  });

  it("exits 1 without a stack trace when synth fails", async () => {
    // A file where the output folder should be: synth cannot write, the message says why.
    const blocked = join(work, "blocked");
    writeFileSync(blocked, "not a folder");
    // main.ts's command in-process, as its process runs it (tools/command.ts's main sets the exit code it
    // returns; policy/secrets.test.ts runs the whole app as a process). One stack is enough to fail on the write.
    const { io, out, err } = messagesIo(ROOT, { CDKTF_OUTDIR: join(blocked, "inner") });
    expect(await runCommand(synthCommand, [SHIPPED_NAMES[0]], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err.join("\n")).toMatch(/^Synth failed: /);
    expect(err.join("\n")).not.toMatch(/\n\s+at /);
    expect(readdirSync(work).filter((name) => name.startsWith("blocked"))).toEqual(["blocked"]);
  });

  it("bin/run.cjs refuses a missing entry and reports a build error without a stack trace", () => {
    const usage = spawnSync("node", ["bin/run.cjs"], { cwd: ROOT, encoding: "utf8" });
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain("usage: node bin/run.cjs <entry.ts>");
    const broken = join(work, "broken.ts");
    writeFileSync(broken, "export const x = ;\n");
    const build = spawnSync("node", ["bin/run.cjs", broken], { cwd: ROOT, encoding: "utf8" });
    expect(build.status).toBe(1);
    expect(build.stderr).toMatch(/^Cannot build .*broken\.ts:\n {2}.*broken\.ts:1: /);
  });
});
