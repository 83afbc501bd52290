/**
 * Journey: `npm run synth`'s command and the cdktf CLI write what the app
 * writes in-process. The fast tier runs the app in-process only
 * (__tests__/stacks/synth.test.ts); this proves the other two paths match it,
 * byte for byte, in processes of their own.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { runSynth } from "../../lib/stacks/synth";
import { SHIPPED_NAMES } from "../helpers/environments";
import { tree } from "../helpers/files";

const ROOT = join(__dirname, "..", "..");
/** The cdktf CLI `npx cdktf` finds, started without npx's own resolution (0.1-0.8 CPU-s less, measured). */
const CDKTF = join(ROOT, "node_modules", ".bin", "cdktf");

describe("synth through its commands", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "synth-cli-"));
    const quiet = { log: () => undefined, error: (m: string) => console.error(m) };
    // As main.ts does: the environments and the bootstrap stack.
    expect(runSynth(environments, { outdir: join(work, "first"), company, bootstrap }, quiet)).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("npm run synth's command is deterministic and `cdktf synth` writes the same Terraform JSON", () => {
    const env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    execFileSync("node", ["bin/run.cjs", "main.ts"], { cwd: ROOT, env: { ...env, CDKTF_OUTDIR: join(work, "npm") } });
    // Another run, in another process: byte-identical, manifest and assets included.
    const npm = tree(join(work, "npm"));
    expect(Object.keys(npm).length).toBeGreaterThan(3);
    expect(npm).toEqual(tree(join(work, "first")));
    execFileSync(CDKTF, ["synth", "--output", join(work, "cli")], { cwd: ROOT, env, stdio: "pipe" });
    // The bootstrap stack too: `cdktf deploy bootstrap` runs the same app.
    for (const stack of [...SHIPPED_NAMES, "bootstrap"]) {
      const file = join("stacks", stack, "cdk.tf.json");
      expect(readFileSync(join(work, "cli", file), "utf8")).toBe(readFileSync(join(work, "npm", file), "utf8"));
    }
  }, 120_000);

  it("RELEASE_EXTRA_STEPS: one process writes what a process per step writes, byte for byte", () => {
    const release = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      RELEASE_ID: "rel0001",
      IMAGE_DIGEST: `sha256:${"b".repeat(64)}`,
    };
    const synth = (outdir: string, extra: Record<string, string>) =>
      execFileSync("node", ["bin/run.cjs", "main.ts"], {
        cwd: ROOT,
        env: { ...release, CDKTF_OUTDIR: outdir, ...extra },
        stdio: "pipe",
      });
    const one = join(work, "one-process");
    synth(one, { RELEASE_STEP: "canary", RELEASE_EXTRA_STEPS: "promote rollback" });
    const apart = join(work, "apart");
    synth(apart, { RELEASE_STEP: "canary" });
    mkdirSync(join(apart, "steps"));
    for (const step of ["promote", "rollback"]) synth(join(apart, "steps", step), { RELEASE_STEP: step });
    const written = tree(one);
    expect(
      Object.keys(written).filter((file) => file.startsWith(join("steps", "rollback", "stacks"))).length,
    ).toBeGreaterThan(0);
    expect(written).toEqual(tree(apart));
  }, 120_000);
});
