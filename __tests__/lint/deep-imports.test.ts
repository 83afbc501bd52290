/**
 * The deep-import rule of biome.json: a barrel import of any provider package
 * fails `npm run lint`; a deep import of one class passes. Runs the project's
 * own Biome with the project's own config on probe files.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const PACKAGES = ["aws", "azurerm", "google", "cloudflare", "random", "azuread", "gitlab"];

function lint(source: string) {
  const dir = mkdtempSync(join(tmpdir(), "lint-"));
  try {
    const file = join(dir, "probe.ts");
    writeFileSync(file, source);
    const biome = join(ROOT, "node_modules", ".bin", "biome");
    return spawnSync(biome, ["lint", `--config-path=${join(ROOT, "biome.json")}`, file], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("lint: provider imports", () => {
  it.each(PACKAGES)("rejects a barrel import of @cdktf/provider-%s", (name) => {
    const result = lint(`import * as provider from "@cdktf/provider-${name}";\nexport const x = provider;\n`);
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain("Barrel import of a provider package");
  });

  it("rejects a side-effect import of the package root too", () => {
    expect(lint(`import "@cdktf/provider-aws";\n`).status).toBe(1);
  });

  it("accepts a deep import of one class", () => {
    const result = lint(
      `import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";\nexport const x = LambdaFunction;\n`,
    );
    expect(result.stdout + result.stderr).not.toContain("Barrel import");
    expect(result.status).toBe(0);
  });
});
