/**
 * synthEnvironments writes what cdktf's own `app.synth()` writes, byte for byte,
 * although it skips cdktf's cross-stack preparation pass
 * (synthesizeIndependentStacks): the same environments and the bootstrap stack
 * through both paths, every cdk.tf.json and manifest.json compared. Our side is
 * the run's synth of the shipped stacks (helpers' shippedSynth: main.ts, whose
 * runSynth calls synthEnvironments), so only cdktf's side is synthesized here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, DISABLE_STACK_TRACE_IN_METADATA } from "cdktf";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { BootstrapStack } from "../../lib/bootstrap/stack";
import { loadConfiguration } from "../../lib/config/load";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { synthesizeIndependentStacks } from "../../lib/stacks/synth";
import { shippedSynth, testApp } from "../helpers/environments";

/** cdk.tf.json of every stack and manifest.json, by path relative to `dir`. */
function terraformFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && (entry.name === "cdk.tf.json" || entry.name === "manifest.json")) {
      const full = join(entry.parentPath, entry.name);
      files[full.slice(dir.length + 1)] = readFileSync(full, "utf8");
    }
  }
  return files;
}

describe("synth without cdktf's cross-stack preparation", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "synth-equivalence-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes the same Terraform JSON and manifest as app.synth() for an environment and the bootstrap stack", () => {
    const shipped = shippedSynth();
    expect(shipped.err).toEqual([]);
    const ours = Object.fromEntries(
      Object.entries(shipped.files).map(([path, base64]) => [path, Buffer.from(base64, "base64").toString("utf8")]),
    );
    const { configs, bootstrap: bootstrapConfig } = loadConfiguration(environments, company, bootstrap);
    // Two environments: synthEnvironments lets each stack go before the next (its tokens too).
    const selected = configs.slice(0, 2);
    const context = { [DISABLE_STACK_TRACE_IN_METADATA]: true };
    const app = new App({ outdir: join(work, "cdktf"), skipValidation: false, context });
    for (const config of selected) new EnvironmentStack(app, { config });
    if (bootstrapConfig !== undefined) new BootstrapStack(app, { config: bootstrapConfig });
    app.synth();

    const theirs = terraformFiles(join(work, "cdktf"));
    const stackFiles = Object.keys(theirs).filter((path) => path.endsWith("cdk.tf.json"));
    expect(stackFiles).toContain(join("stacks", selected[0].name, "cdk.tf.json"));
    expect(stackFiles).toHaveLength(selected.length + (bootstrapConfig === undefined ? 0 : 1));
    for (const path of stackFiles) expect({ path, text: ours[path] }).toEqual({ path, text: theirs[path] });
    // Ours lists every shipped stack: the same entries, in the same order, for the stacks cdktf synthesized.
    type Manifest = { stacks: Record<string, unknown> };
    const ourManifest = JSON.parse(ours["manifest.json"]) as Manifest;
    const theirManifest = JSON.parse(theirs["manifest.json"]) as Manifest;
    const names = Object.keys(theirManifest.stacks);
    const picked = Object.keys(ourManifest.stacks).filter((name) => names.includes(name));
    expect(picked).toEqual(names);
    expect({ ...ourManifest, stacks: Object.fromEntries(picked.map((n) => [n, ourManifest.stacks[n]])) }).toEqual(
      theirManifest,
    );
  }, 60_000);

  it("still runs the app's validations and fails on them", () => {
    const app = testApp();
    app.node.addValidation({ validate: () => ["a validation that always fails"] });
    expect(() => synthesizeIndependentStacks(app)).toThrow(/a validation that always fails/);
  });
});
