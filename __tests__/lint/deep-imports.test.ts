/**
 * The deep-import rule of biome.json: a barrel import of any provider package
 * fails `npm run lint`; a deep import of one class passes. Runs the project's
 * own Biome with the project's own config on probe files, all in one run
 * (each Biome process costs about half a second): each rejected probe must
 * get the rule's error, the accepted one no error of any rule.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../helpers/scratch";

const ROOT = join(__dirname, "..", "..");
const PACKAGES = ["aws", "azurerm", "google", "cloudflare", "random", "azuread", "gitlab"];
const RULE = "lint/style/noRestrictedImports";

/**
 * Biome's own binary for this platform, as node_modules/.bin/biome picks it (musl has its own), without
 * that Node wrapper's start (~0.15 CPU-s); the wrapper where no such package is installed.
 */
function biomeBinary(): string {
  const header = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const musl = process.platform === "linux" && header.header?.glibcVersionRuntime === undefined;
  try {
    return require.resolve(`@biomejs/cli-${process.platform}-${process.arch}${musl ? "-musl" : ""}/biome`);
  } catch {
    return join(ROOT, "node_modules", ".bin", "biome");
  }
}

/**
 * Biome over `sources` (file name to text), one process; its exit status, each file's error messages of
 * the rule, and each file's errors of any rule (category: message).
 */
function lint(sources: Readonly<Record<string, string>>): {
  status: number | null;
  errors: Map<string, string[]>;
  anyErrors: Map<string, string[]>;
} {
  const dir = scratchDir("lint");
  const files = Object.entries(sources).map(([name, source]) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  });
  const result = spawnSync(
    biomeBinary(),
    ["lint", `--config-path=${join(ROOT, "biome.json")}`, "--reporter=json", ...files],
    {
      encoding: "utf8",
    },
  );
  const report = JSON.parse(result.stdout) as {
    diagnostics: { severity: string; category: string; message: string; location: { path: string } }[];
  };
  const errors = new Map<string, string[]>(Object.keys(sources).map((name) => [name, []]));
  const anyErrors = new Map<string, string[]>(Object.keys(sources).map((name) => [name, []]));
  for (const d of report.diagnostics) {
    if (d.severity !== "error") continue;
    const name = d.location.path.replace(`${dir}/`, "");
    anyErrors.get(name)?.push(`${d.category}: ${d.message}`);
    if (d.category === RULE) errors.get(name)?.push(d.message);
  }
  return { status: result.status, errors, anyErrors };
}

describe("lint: provider imports", () => {
  let rejected: ReturnType<typeof lint>;
  beforeAll(() => {
    rejected = lint({
      ...Object.fromEntries(
        PACKAGES.map((name) => [
          `barrel-${name}.ts`,
          `import * as provider from "@cdktf/provider-${name}";\nexport const x = provider;\n`,
        ]),
      ),
      "side-effect.ts": `import "@cdktf/provider-aws";\n`,
      "deep.ts": `import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";\nexport const x = LambdaFunction;\n`,
    });
  });

  it.each(PACKAGES)("rejects a barrel import of @cdktf/provider-%s", (name) => {
    expect(rejected.status).toBe(1);
    expect(rejected.errors.get(`barrel-${name}.ts`)).toEqual([
      expect.stringContaining("Barrel import of a provider package"),
    ]);
  });

  it("rejects a side-effect import of the package root too", () => {
    expect(rejected.errors.get("side-effect.ts")).toEqual([
      expect.stringContaining("Barrel import of a provider package"),
    ]);
  });

  it("accepts a deep import of one class", () => {
    expect(rejected.anyErrors.get("deep.ts")).toEqual([]);
  });
});
