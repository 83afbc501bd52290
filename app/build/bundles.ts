/**
 * Packages the workload for each cloud's function product: esbuild bundles
 * the adapter with its dependencies into one file, and the zip is written
 * with fixed timestamps and sorted entries, so the same sources always give
 * the same bytes and the same hash (and only a code change changes the plan).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { zipSync } from "fflate";
import type { Cloud } from "../../lib/config/schema";
import type { FunctionBundle } from "../../lib/service";

const ROOT = resolve(__dirname, "..", "..");
/** Where zips are written; gitignored, rebuilt by synth. */
export const BUNDLE_DIR = join(ROOT, "dist", "functions");
// 1980-01-01, the earliest time a zip can hold: no build time leaks into the bytes.
const ZIP_MTIME = new Date(Date.UTC(1980, 0, 1));

interface BundleRecipe {
  /** Adapter entry point, relative to the repository root. */
  readonly entry: string;
  /** Modules the platform provides at run time; left out of the bundle. */
  readonly external: readonly string[];
  /** Extra files for the zip (package.json, host.json). */
  readonly files: Readonly<Record<string, string>>;
}

const functionFrameworkVersion = (): string =>
  (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> })
    .dependencies["@google-cloud/functions-framework"];

const RECIPES: Readonly<Record<Cloud, () => BundleRecipe>> = {
  aws: () => ({ entry: "app/adapters/aws-lambda.ts", external: [], files: {} }),
  azure: () => ({
    entry: "app/adapters/azure-functions.ts",
    // The Functions host injects the worker bridge; @azure/functions itself is bundled.
    external: ["@azure/functions-core"],
    files: {
      "package.json": `${JSON.stringify({ name: "workload", main: "index.js" }, null, 2)}\n`,
      "host.json": `${JSON.stringify({ version: "2.0", extensions: { http: { routePrefix: "" } } }, null, 2)}\n`,
    },
  }),
  gcp: () => ({
    entry: "app/adapters/gcp-functions.ts",
    // The runtime's invoker and our code must share one function registry, so the framework is a dependency, not bundled.
    external: ["@google-cloud/functions-framework"],
    files: {
      "package.json": `${JSON.stringify(
        {
          name: "workload",
          main: "index.js",
          dependencies: { "@google-cloud/functions-framework": functionFrameworkVersion() },
        },
        null,
        2,
      )}\n`,
    },
  }),
};

/** Builds one cloud's zip into `outdir` and returns its path and hash. */
export function buildFunctionBundle(cloud: Cloud, outdir: string = BUNDLE_DIR): FunctionBundle {
  const recipe = RECIPES[cloud]();
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [recipe.entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    external: [...recipe.external],
    write: false,
    logLevel: "silent",
  });
  const files: Record<string, Uint8Array> = { "index.js": result.outputFiles[0].contents };
  for (const [name, text] of Object.entries(recipe.files)) files[name] = new TextEncoder().encode(text);
  const sorted = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((name) => [name, files[name]] as const),
  );
  const zip = zipSync(sorted, { level: 9, mtime: ZIP_MTIME });
  mkdirSync(outdir, { recursive: true });
  const path = join(outdir, `${cloud}.zip`);
  writeFileSync(path, zip);
  return { path, sha256: createHash("sha256").update(zip).digest("hex") };
}

let cached: Readonly<Record<Cloud, FunctionBundle>> | undefined;

/** Every cloud's bundle, built once per process (synth of several stacks shares them). */
export function functionBundles(): Readonly<Record<Cloud, FunctionBundle>> {
  cached ??= {
    aws: buildFunctionBundle("aws"),
    azure: buildFunctionBundle("azure"),
    gcp: buildFunctionBundle("gcp"),
  };
  return cached;
}
