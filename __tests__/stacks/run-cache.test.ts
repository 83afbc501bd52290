/**
 * bin/run.cjs reuses its bundle while the content of every input is unchanged:
 * a fresh clone (new mtimes) or a CI job that restored `.gen/` from its cache
 * runs the cached bundle, and an edited input rebuilds it. Each case runs the
 * real script from a scratch copy of the repository layout (bin/, node_modules).
 * The cases that start from a built bundle share one first build: its `.gen/`
 * copied into their scratch, as a CI job restores it from its cache.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");

describe("bin/run.cjs bundle cache", () => {
  let work: string;
  const bundle = (dir = work) => join(dir, ".gen", "run", "entry.cjs");
  const run = (dir = work) => {
    const result = spawnSync("node", ["bin/run.cjs", "entry.ts"], { cwd: dir, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout.trim();
  };
  const builtAt = () => statSync(bundle()).mtimeMs;

  /** The repository layout bin/run.cjs needs, and the starting entry, in a new scratch folder. */
  function layout(): string {
    const dir = mkdtempSync(join(tmpdir(), "run-cache-"));
    mkdirSync(join(dir, "bin"));
    copyFileSync(join(ROOT, "bin", "run.cjs"), join(dir, "bin", "run.cjs"));
    copyFileSync(join(ROOT, "bin", "stable-stringify.cjs"), join(dir, "bin", "stable-stringify.cjs"));
    mkdirSync(join(dir, "app", "build"), { recursive: true });
    copyFileSync(join(ROOT, "app", "build", "build-cache.cjs"), join(dir, "app", "build", "build-cache.cjs"));
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(join(dir, "entry.ts"), 'import { greeting } from "./greeting";\nconsole.log(greeting);\n');
    writeFileSync(join(dir, "greeting.ts"), 'export const greeting: string = "first";\n');
    return dir;
  }

  /** A scratch whose first run built the starting entry: made once, by the first case that asks. */
  let firstBuild: string | undefined;
  /** Puts the first build's `.gen/` in this case's scratch, as a CI job restores it; the bundle's mtime. */
  const fromFirstBuild = (): number => {
    if (firstBuild === undefined) {
      firstBuild = layout();
      expect(existsSync(bundle(firstBuild))).toBe(false);
      expect(run(firstBuild)).toBe("first");
    }
    cpSync(join(firstBuild, ".gen"), join(work, ".gen"), { recursive: true });
    return builtAt();
  };

  beforeEach(() => {
    work = layout();
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  afterAll(() => {
    if (firstBuild !== undefined) rmSync(firstBuild, { recursive: true, force: true });
  });

  it("keeps the bundle when only mtimes change (a fresh checkout), rebuilds when content changes", () => {
    // A `.gen/` built in another folder, restored beside the same bytes: other mtimes than its record's.
    const first = fromFirstBuild();
    // What a fresh clone looks like: same bytes, every file newer than the cached bundle.
    const later = new Date(Date.now() + 60_000);
    for (const file of ["entry.ts", "greeting.ts"]) utimesSync(join(work, file), later, later);
    expect(run()).toBe("first");
    expect(builtAt()).toBe(first);
    // The new mtimes are recorded, so the next run need not hash again.
    const stamp = JSON.parse(readFileSync(`${bundle()}.inputs.json`, "utf8")) as {
      inputs: Record<string, { hash: string; stat: string }>;
    };
    const now = statSync(join(work, "greeting.ts"));
    expect(stamp.inputs["greeting.ts"].stat).toBe(`${now.size}:${now.mtimeMs}`);

    writeFileSync(join(work, "greeting.ts"), 'export const greeting: string = "second";\n');
    expect(run()).toBe("second");
    expect(builtAt()).not.toBe(first);
  }, 30_000);

  it("rebuilds when the record was written by another esbuild or build setup, and links its source map", () => {
    const first = fromFirstBuild();
    const stampFile = `${bundle()}.inputs.json`;
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as { key: string };
    // The shared scheme (app/build/build-cache.cjs): a hash of esbuild's version and the options.
    expect(stamp.key).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(stampFile, JSON.stringify({ ...stamp, key: "0".repeat(64) }));
    expect(run()).toBe("first");
    expect(builtAt()).not.toBe(first);
    // The bundle names its source map by its own file name, which exists.
    expect(readFileSync(bundle(), "utf8")).toMatch(/\/\/# sourceMappingURL=entry\.cjs\.map\n$/);
    expect(statSync(`${bundle()}.map`).isFile()).toBe(true);
  }, 30_000);

  /** Runs an entry that loads cdktf, with a lockfile beside it; the record of its resolved requests. */
  const runCdktfEntry = (): string => {
    writeFileSync(join(work, "package-lock.json"), '{"lockfileVersion":3}\n');
    writeFileSync(join(work, "entry.ts"), 'import { Token } from "cdktf";\nconsole.log(typeof Token);\n');
    expect(run()).toBe("function");
    return `${bundle()}.resolved.json`;
  };

  it("reuses the files node_modules requests resolved to while the lockfiles are the same", () => {
    const recordFile = runCdktfEntry();
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as { resolved: Record<string, string> };
    const files = Object.values(record.resolved);
    // Installed packages only: the repository's own files are resolved anew every time.
    expect(files.length).toBeGreaterThan(10);
    expect(files.every((file) => file.includes(`${sep}node_modules${sep}`))).toBe(true);
    const cdktf = Object.keys(record.resolved).find((key) => key.endsWith("\0cdktf"));
    expect(cdktf).toBeDefined();

    // A recorded answer is used as it is: point `cdktf` elsewhere and the bundle loads that.
    writeFileSync(join(work, "stand-in.js"), 'exports.Token = "recorded";\n');
    record.resolved[cdktf as string] = join(work, "stand-in.js");
    writeFileSync(recordFile, JSON.stringify(record));
    expect(run()).toBe("string");

    // Another install (a changed lockfile) makes the record stale: resolved anew, and recorded again.
    writeFileSync(join(work, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}\n');
    expect(run()).toBe("function");
    const again = JSON.parse(readFileSync(recordFile, "utf8")) as { resolved: Record<string, string> };
    expect(again.resolved[cdktf as string]).toMatch(/node_modules[\\/]cdktf[\\/]/);
  }, 60_000);

  it("records where each cdktf module's inline source map starts, and reads a file whole when the record does not fit it", () => {
    const recordFile = runCdktfEntry();
    type Offsets = Record<string, [number, number]>;
    const offsetsOf = () => (JSON.parse(readFileSync(recordFile, "utf8")) as { mapOffsets: Offsets }).mapOffsets;
    const offsets = offsetsOf();
    const token = Object.keys(offsets).find((file) => /cdktf[\\/]lib[\\/]tokens[\\/]token\.js$/.test(file));
    expect(token).toBeDefined();
    const bytes = readFileSync(token as string);
    expect(offsets[token as string]).toEqual([bytes.length, bytes.lastIndexOf("\n//# sourceMappingURL=data:")]);

    // Nothing new: the record is left as it is.
    const written = statSync(recordFile).mtimeMs;
    expect(run()).toBe("function");
    expect(statSync(recordFile).mtimeMs).toBe(written);

    // A record that does not fit a file (another size, no map at the offset): read whole, recorded anew.
    for (const [file, [size, map]] of Object.entries(offsets)) offsets[file] = [size + 1, map - 1];
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as { mapOffsets: Offsets };
    writeFileSync(recordFile, JSON.stringify({ ...record, mapOffsets: offsets }));
    expect(run()).toBe("function");
    expect(offsetsOf()[token as string]).toEqual([bytes.length, bytes.lastIndexOf("\n//# sourceMappingURL=data:")]);
  }, 60_000);

  it("loads zod's locales only when z.locales is read, and zod still reports in English", () => {
    writeFileSync(
      join(work, "entry.ts"),
      `import { z } from "zod";
const loaded = () => Object.keys(require.cache).filter((path) => /zod[\\\\/]v4[\\\\/]locales[\\\\/]/.test(path)).length;
const result = z.object({ a: z.string() }).safeParse({ a: 1 });
const before = loaded();
const french = typeof (z as unknown as { locales: Record<string, unknown> }).locales.fr;
console.log(JSON.stringify({ message: result.success ? "" : result.error.issues[0].message, before, french, after: loaded() }));
`,
    );
    const seen = JSON.parse(run()) as { message: string; before: number; french: string; after: number };
    // The stand-in and English only; all of them once read.
    expect(seen).toMatchObject({
      message: "Invalid input: expected string, received number",
      before: 2,
      french: "function",
    });
    expect(seen.after).toBeGreaterThan(60);
  }, 30_000);

  it("writes cdk.tf.json without json-stable-stringify's polyfills, and loads semver only when a version is checked", () => {
    writeFileSync(
      join(work, "entry.ts"),
      `import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { App, TerraformOutput, TerraformStack } from "cdktf";
const loaded = (pattern: RegExp) => Object.keys(require.cache).some((path) => pattern.test(path));
const app = new App({ outdir: "out" });
const stack = new TerraformStack(app, "s");
new TerraformOutput(stack, "o", { value: { b: [1, {}], a: "x" } });
app.synth();
const written = readFileSync("out/stacks/s/cdk.tf.json", "utf8");
const real = require(require.resolve("json-stable-stringify", { paths: [dirname(require.resolve("cdktf"))] }));
const polyfills = loaded(/[\\\\/]call-bind[\\\\/]/);
const semverBefore = loaded(/[\\\\/]semver[\\\\/]functions[\\\\/]/);
const satisfies = require(require.resolve("semver", { paths: [dirname(require.resolve("cdktf"))] })).satisfies("1.5.0", ">=1.5");
console.log(JSON.stringify({
  polyfills,
  semverBefore,
  satisfies,
  semverAfter: loaded(/[\\\\/]semver[\\\\/]functions[\\\\/]/),
  same: written === real(stack.toTerraform(), { space: 2 }),
}));
`,
    );
    expect(JSON.parse(run())).toEqual({
      polyfills: false,
      semverBefore: false,
      satisfies: true,
      semverAfter: true,
      same: true,
    });
  }, 30_000);

  it("never loads cdktf's zip library into the synth process, and directory assets are still zipped", () => {
    mkdirSync(join(work, "site"));
    writeFileSync(join(work, "site", "index.html"), "<p>a static page</p>\n");
    writeFileSync(
      join(work, "entry.ts"),
      `import { App, AssetType, TerraformAsset, TerraformStack } from "cdktf";
// archiver's own code (the stand-in sits at its index.js)
const loaded = () => Object.keys(require.cache).some((path) => /archiver[\\\\/]lib[\\\\/]core\\.js$/.test(path));
const before = loaded();
const app = new App({ outdir: "out" });
const stack = new TerraformStack(app, "s");
new TerraformAsset(stack, "site", { path: ${JSON.stringify(join(work, "site"))}, type: AssetType.ARCHIVE });
app.synth();
console.log(JSON.stringify({ before, after: loaded() }));
`,
    );
    // cdktf zips in a child process of its own (node cdktf/lib/private/fs.js), which loads archiver itself.
    expect(JSON.parse(run())).toEqual({ before: false, after: false });
    const zips = readdirSync(join(work, "out", "stacks", "s", "assets"), { recursive: true }).filter((f) =>
      String(f).endsWith(".zip"),
    );
    expect(zips).toHaveLength(1);
    const zip = readFileSync(join(work, "out", "stacks", "s", "assets", String(zips[0])));
    expect(zip.subarray(0, 4).toString("hex")).toBe("504b0304"); // a zip's local file header
  }, 30_000);
});
