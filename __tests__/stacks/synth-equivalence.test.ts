/**
 * synthEnvironments writes what cdktf's own `app.synth()` writes, byte for byte,
 * although it skips cdktf's cross-stack preparation pass
 * (synthesizeIndependentStacks): the same environments and the bootstrap stack
 * through both paths, every cdk.tf.json and manifest.json compared.
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
import { synthEnvironments, synthesizeIndependentStacks } from "../../lib/stacks/synth";
import { testApp } from "../helpers/environments";

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
    const { configs, bootstrap: bootstrapConfig } = loadConfiguration(environments, company, bootstrap);
    // Two environments: synthEnvironments lets each stack go before the next (its tokens too).
    const selected = configs.slice(0, 2);
    synthEnvironments(selected, { outdir: join(work, "ours"), bootstrap: bootstrapConfig });

    const context = { [DISABLE_STACK_TRACE_IN_METADATA]: true };
    const app = new App({ outdir: join(work, "cdktf"), skipValidation: false, context });
    for (const config of selected) new EnvironmentStack(app, { config });
    if (bootstrapConfig !== undefined) new BootstrapStack(app, { config: bootstrapConfig });
    app.synth();

    const ours = terraformFiles(join(work, "ours"));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(terraformFiles(join(work, "cdktf"))).sort());
    expect(ours).toEqual(terraformFiles(join(work, "cdktf")));
    expect(Object.keys(ours)).toContain(join("stacks", selected[0].name, "cdk.tf.json"));
  }, 60_000);

  it("still runs the app's validations and fails on them", () => {
    const app = testApp();
    app.node.addValidation({ validate: () => ["a validation that always fails"] });
    expect(() => synthesizeIndependentStacks(app)).toThrow(/a validation that always fails/);
  });
});
