/** The function zips: contents each platform expects, determinism, the cache, size. */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unzipSync } from "fflate";
import {
  AZURE_FUNCTION_NAME,
  BUNDLE_DIR,
  base64Sha256,
  buildFunctionBundle,
  functionBundles,
  GCP_ENTRY_POINT,
  LAMBDA_HANDLER,
} from "../../app/build/bundles";
import { extractBundle, loadAzureBundle } from "./targets";

const ROOT = resolve(__dirname, "..", "..");
const rootPackage = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

const entries = (path: string) => unzipSync(readFileSync(path));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("function bundles", () => {
  const bundles = functionBundles();
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "bundles-"));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("are zips in dist/functions named by cloud, with the sha256 of their bytes", () => {
    for (const [cloud, bundle] of Object.entries(bundles)) {
      expect(bundle.path).toBe(join(BUNDLE_DIR, `${cloud}.zip`));
      const digest = createHash("sha256").update(readFileSync(bundle.path)).digest("hex");
      expect(bundle.sha256).toBe(digest);
    }
  });

  it("give the hash in base64 too, as Lambda's source_code_hash wants it", () => {
    const digest = createHash("sha256").update(readFileSync(bundles.aws.path)).digest("base64");
    expect(base64Sha256(bundles.aws)).toBe(digest);
  });

  it("is built once per process", () => {
    expect(functionBundles()).toBe(bundles);
  });

  it("Lambda: only index.js, exporting the handler named by LAMBDA_HANDLER", () => {
    const files = entries(bundles.aws.path);
    expect(Object.keys(files)).toEqual(["index.js"]);
    expect(LAMBDA_HANDLER).toBe("index.handler");
    const dir = extractBundle(bundles.aws.path);
    try {
      jest.isolateModules(() => {
        expect(typeof (require(join(dir, "index.js")) as { handler?: unknown }).handler).toBe("function");
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Azure: index.js, package.json pointing at it, host.json without the /api prefix", () => {
    const files = entries(bundles.azure.path);
    expect(Object.keys(files).sort()).toEqual(["host.json", "index.js", "package.json"]);
    expect(JSON.parse(text(files["package.json"]))).toEqual(expect.objectContaining({ main: "index.js" }));
    const host = JSON.parse(text(files["host.json"]));
    expect(host.version).toBe("2.0");
    expect(host.extensions.http.routePrefix).toBe("");
  });

  it("Azure: index.js registers one anonymous catch-all HTTP function with the host", () => {
    const { registrations, release, dir } = loadAzureBundle({});
    try {
      expect(registrations.map((r) => r.metadata.name)).toEqual([AZURE_FUNCTION_NAME]);
      const trigger = Object.values(registrations[0].metadata.bindings).find((b) => b.type === "httpTrigger");
      expect(trigger).toEqual(
        expect.objectContaining({
          direction: "in",
          authLevel: "anonymous",
          route: "{*path}",
          methods: expect.any(Array),
        }),
      );
      expect(trigger?.methods).toEqual(expect.arrayContaining(["GET", "HEAD", "POST"]));
    } finally {
      release();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("GCP: index.js and a package.json depending on the same Functions Framework, which is not bundled", () => {
    const files = entries(bundles.gcp.path);
    expect(Object.keys(files).sort()).toEqual(["index.js", "package.json"]);
    expect(JSON.parse(text(files["package.json"]))).toEqual(
      expect.objectContaining({
        main: "index.js",
        dependencies: {
          "@google-cloud/functions-framework": rootPackage.dependencies["@google-cloud/functions-framework"],
        },
      }),
    );
    const code = text(files["index.js"]);
    // Required once, at run time; none of its own code (or its body-parser) inside.
    expect(code.match(/@google-cloud\/functions-framework/g)).toEqual(["@google-cloud/functions-framework"]);
    expect(code).toContain('require("@google-cloud/functions-framework")');
    expect(code.includes("body-parser")).toBe(false);
    expect(GCP_ENTRY_POINT).toBe("workload");
  });

  it("hold no absolute path of the machine that built them", () => {
    for (const bundle of Object.values(bundles)) {
      for (const [name, bytes] of Object.entries(entries(bundle.path))) {
        expect([name, text(bytes).includes(ROOT)]).toEqual([name, false]);
      }
    }
  });

  it("are at most 1 MB each", () => {
    for (const bundle of Object.values(bundles)) expect(statSync(bundle.path).size).toBeLessThanOrEqual(1024 * 1024);
  });

  it("the Lambda's is under 50 KB: no AWS SDK inside (it reads secrets through the extension on localhost)", () => {
    expect(statSync(bundles.aws.path).size).toBeLessThan(50 * 1024);
    const code = text(entries(bundles.aws.path)["index.js"]);
    expect(code.includes("@aws-sdk")).toBe(false);
    expect(code).toContain("/systemsmanager/parameters/get");
  });

  it("are byte-identical when rebuilt from the same sources", () => {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      const again = buildFunctionBundle(cloud, { outdir: join(scratch, "rebuilt"), cache: false });
      expect(again.sha256).toBe(bundles[cloud].sha256);
      expect(readFileSync(again.path).equals(readFileSync(bundles[cloud].path))).toBe(true);
    }
  });

  it("reuse the cached zip while its inputs match, and rebuild when the zip or an input record changed", () => {
    const outdir = join(scratch, "cache");
    const first = buildFunctionBundle("aws", { outdir });
    const zipTime = () => statSync(first.path).mtimeMs;
    const built = zipTime();
    expect(buildFunctionBundle("aws", { outdir })).toEqual(first);
    expect(zipTime()).toBe(built);

    // A tampered zip is not served from the cache.
    writeFileSync(first.path, "not a zip");
    expect(buildFunctionBundle("aws", { outdir })).toEqual(first);
    expect(readFileSync(first.path).subarray(0, 2).toString()).toBe("PK");

    // An input whose recorded hash and stat no longer match (as after an edit) forces a rebuild.
    const recordPath = join(outdir, "aws.json");
    const record = JSON.parse(readFileSync(recordPath, "utf8"));
    expect(Object.keys(record.inputs)).toEqual(expect.arrayContaining(["app/app.ts", "app/adapters/aws-lambda.ts"]));
    record.inputs["app/app.ts"] = { hash: "0".repeat(64), stat: "0:0" };
    writeFileSync(recordPath, JSON.stringify(record));
    const rebuiltFrom = zipTime();
    expect(buildFunctionBundle("aws", { outdir })).toEqual(first);
    expect(zipTime()).not.toBe(rebuiltFrom);
    expect(JSON.parse(readFileSync(recordPath, "utf8")).inputs["app/app.ts"].hash).not.toBe("0".repeat(64));
  });
});
