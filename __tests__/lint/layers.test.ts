/**
 * The import direction (.dependency-cruiser.cjs, run by `npm run lint`) is
 * shown to catch what it is for on a tree small enough to read: the
 * workload importing lib/, a construct reaching up into lib/stacks, and a
 * loop. The repository itself is checked by `npm run layers`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

/**
 * dependency-cruiser over `files` in a folder of their own, in a child process (it is ESM; this jest runs
 * CommonJS). Started without waiting: its ~1.3 CPU-s run beside the suite's earlier tests, where a
 * spawnSync held this jest worker idle until it ended.
 */
function cruise(files: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "layers-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, "tsconfig.json"), "{}");
  const child = spawn(
    process.execPath,
    [CLI, "--config", join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "err", "app", "lib"],
    { cwd: dir },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return new Promise((resolve) => {
    const done = (code: number | null) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    };
    child.on("error", (error) => {
      output += `${error.message}\n`;
      done(null);
    });
    child.on("close", done);
  });
}

describe("the import direction check", () => {
  // One run (each costs about two seconds): imports that go down beside each kind of violation.
  const cruised = cruise({
    "lib/config/schema.ts": "export const x = 1;\n",
    "lib/aws/target.ts": 'import { x } from "../config/schema";\nexport const y = x;\n',
    "lib/stacks/stack.ts": 'import { y } from "../aws/target";\nexport const z = y;\n',
    "lib/service.ts": "export const name = 'x';\n",
    "app/app.ts": 'import { name } from "../lib/service";\nexport const app = name;\n',
    "lib/stacks/backend.ts": "export const backend = 1;\n",
    "lib/bootstrap/stack.ts": 'import { backend } from "../stacks/backend";\nexport const b = backend;\n',
    "lib/config/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
    "lib/config/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
  });
  let result: Awaited<typeof cruised>;
  // Its own limit: a loaded machine may take longer than jest's default 5 s for a hook.
  beforeAll(async () => {
    result = await cruised;
  }, 60_000);

  it("fails the workload importing lib/, a construct importing lib/stacks, and a loop", () => {
    expect(result.output).toMatch(/app-is-independent: app\/app\.ts → lib\/service\.ts/);
    expect(result.output).toMatch(/constructs-below-stacks: lib\/bootstrap\/stack\.ts → lib\/stacks\/backend\.ts/);
    expect(result.output).toMatch(/no-circular: lib\/config\/a\.ts/);
    expect(result.output).toMatch(/x 3 dependency violations/);
    expect(result.code).not.toBe(0);
  });

  it("passes imports that go down: config, then a cloud, then stacks", () => {
    expect(result.output).not.toMatch(/lib\/aws\/target\.ts →|lib\/stacks\/stack\.ts →/);
  });
});

describe("the known violations (.dependency-cruiser-known-violations.json)", () => {
  // Debt that predates the check may only shrink: regenerating the list to hide a new violation fails here.
  const ALLOWED: string[] = [];
  const known = JSON.parse(readFileSync(join(ROOT, ".dependency-cruiser-known-violations.json"), "utf8")) as {
    from: string;
    to: string;
    rule: { name: string };
  }[];

  it("lists no violation beyond the ones that predate the check", () => {
    const unexpected = known.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).filter((v) => !ALLOWED.includes(v));
    expect(unexpected).toEqual([]);
  });
});
