/**
 * The repository's one esbuild cache policy (app/build/build-cache.cjs): a record is reused while
 * its key and every input's content are unchanged, whatever the mtimes say; and the three builders
 * (command bundles, Worker scripts, function zips) use it rather than a hashing of their own.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildKey, cacheDir, readRecord, writeRecord } from "../../app/build/build-cache.cjs";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";

describe("the build cache policy", () => {
  let root: string;
  const file = () => join(cacheDir(root, "test"), "entry.json");
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "build-cache-"));
    writeFileSync(join(root, "a.ts"), "export const a = 1;\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("keys a build by esbuild's version, its options and the caller's extras", () => {
    const key = buildKey({ format: "esm" }, { entry: "a.ts" });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(buildKey({ format: "esm" }, { entry: "a.ts" })).toBe(key);
    expect(buildKey({ format: "cjs" }, { entry: "a.ts" })).not.toBe(key);
    expect(buildKey({ format: "esm" }, { entry: "b.ts" })).not.toBe(key);
  });

  it("keeps a record in .gen/<area>/ while the content is unchanged, whatever the mtimes", () => {
    expect(file()).toBe(join(root, ".gen", "test", "entry.json"));
    writeRecord(root, file(), "k", ["a.ts"], { code: "built" });
    expect(readRecord(root, file(), "k")).toEqual(expect.objectContaining({ code: "built" }));
    expect(readRecord(root, file(), "other key")).toBeUndefined();

    // A fresh checkout: same bytes, a new mtime. Reused, and the new stat written back.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "a.ts"), later, later);
    expect(readRecord(root, file(), "k")).toBeDefined();
    const recorded = JSON.parse(readFileSync(file(), "utf8")) as { inputs: Record<string, { stat: string }> };
    const now = statSync(join(root, "a.ts"));
    expect(recorded.inputs["a.ts"].stat).toBe(`${now.size}:${now.mtimeMs}`);

    // An edit: not reused.
    writeFileSync(join(root, "a.ts"), "export const a = 2;\n");
    expect(readRecord(root, file(), "k")).toBeUndefined();
  });

  it("is the one the three builders use", () => {
    for (const builder of ["bin/run.cjs", "lib/edge/bundle.ts", "app/build/bundles.ts"]) {
      const source = readFileSync(join(REPOSITORY_ROOT, builder), "utf8");
      expect([builder, /build-cache\.cjs"/.test(source)]).toEqual([builder, true]);
      // No hashing or cache folder of its own beside the policy's.
      expect([builder, /createHash|"\.gen"/.test(source)]).toEqual([builder, false]);
    }
  });
});
