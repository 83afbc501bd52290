import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environments } from "../../environments";
import { runSynth } from "../../lib/stacks/synth";
import { environmentInput } from "../helpers/environments";

const ROOT = join(__dirname, "..", "..");

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
}

/** Every file under `dir` with its bytes, by relative path. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      files[full.slice(dir.length + 1)] = readFileSync(full, "base64");
    }
  }
  return files;
}

describe("runSynth", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "synth-"));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it("writes one stack per environment and prints a summary", () => {
    const { io, out, err } = capture();
    expect(runSynth(environments, { outdir: join(work, "out") }, io)).toBe(0);
    expect(err).toEqual([]);
    expect(readdirSync(join(work, "out", "stacks")).sort()).toEqual(["dev", "prod", "staging"]);
    expect(out.join("\n")).toMatch(/^Synthesized 3 stacks:\n {2}dev .*-> .*stacks\/dev\/cdk\.tf\.json/);
  });

  it("is deterministic: two runs give byte-identical output", () => {
    const { io } = capture();
    runSynth(environments, { outdir: join(work, "a") }, io);
    runSynth(environments, { outdir: join(work, "b") }, io);
    const a = tree(join(work, "a"));
    expect(Object.keys(a).length).toBeGreaterThan(3);
    expect(tree(join(work, "b"))).toEqual(a);
  });

  it("stops on a bad config with exit 1, every problem listed, and the previous output untouched", () => {
    const outdir = join(work, "out");
    runSynth(environments, { outdir }, capture().io);
    const before = tree(outdir);
    const { io, out, err } = capture();
    const bad = [environmentInput({ name: "dev", clouds: ["aws", "oracle"] }), environmentInput({ name: "dev" })];
    expect(runSynth(bad, { outdir }, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('dev.clouds.1: is not allowed; expected one of "aws", "azure", "gcp"');
    expect(err[0]).toContain("dev.name: is used by environments[0] too");
    expect(err[0]).not.toMatch(/\n\s+at /);
    expect(tree(outdir)).toEqual(before);
    expect(readdirSync(work)).toEqual(["out"]);
  });
});

describe("main.ts as a process", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "main-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("npm run synth's command and `cdktf synth` write the same Terraform JSON", () => {
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1" };
    execFileSync("npx", ["tsx", "main.ts"], { cwd: ROOT, env: { ...env, CDKTF_OUTDIR: join(work, "tsx") } });
    execFileSync("npx", ["cdktf", "synth", "--output", join(work, "cli")], { cwd: ROOT, env, stdio: "pipe" });
    // The bootstrap stack too: `cdktf deploy bootstrap` runs the same app.
    for (const stack of ["dev", "staging", "prod", "bootstrap"]) {
      const file = join("stacks", stack, "cdk.tf.json");
      expect(readFileSync(join(work, "cli", file), "utf8")).toBe(readFileSync(join(work, "tsx", file), "utf8"));
    }
  }, 60_000);

  it("exits 1 without a stack trace when synth fails", () => {
    // A file where the output folder should be: synth cannot write, the message says why.
    const blocked = join(work, "blocked");
    writeFileSync(blocked, "not a folder");
    const result = spawnSync("npx", ["tsx", "main.ts"], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: join(blocked, "inner") },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Synth failed: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(work).filter((name) => name.startsWith("blocked"))).toEqual(["blocked"]);
  }, 30_000);
});
