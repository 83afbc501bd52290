/**
 * bin/test.cjs, the runner behind `npm test` and `npm run test:journeys`: each
 * tier's scripts from package.json at once, jest's output live and the others'
 * after it, the scripts after jest alone, exit 1 when any failed. Run on a
 * copy of the runner (and the npm-script.cjs it requires) beside a package.json whose scripts are small shell
 * functions recording when they ran.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../helpers/scratch";

const RUNNER = join(__dirname, "..", "..", "bin", "test.cjs");

/**
 * A script that records its start in order.log, then waits until each script of `partners` has started
 * (they run at once) and records its end, prints its name and exits with `code`; or, when a partner has
 * not started within 20 s (the runner ran them one after another), prints so and exits 9. A shell function
 * rather than a Node one-liner: the runner appends the arguments to the script's text, as npm does, so they
 * reach `s`; and a shell starts for a fraction of Node's ~0.15 CPU-s (six runner runs, three scripts each).
 */
const script = (name: string, partners: readonly string[], code = 0) =>
  [
    `s() { l="start ${name}"; for a; do l="$l $a"; done; printf "%s\\n" "$l" >>order.log; n=0`,
    `until ${partners.map((p) => `grep -q "^start ${p}" order.log`).join(" && ") || "true"}; do n=$((n + 1))`,
    `if [ $n -ge 1000 ]; then echo "${name} ran alone"; exit 9; fi; sleep 0.02; done`,
    `echo "end ${name}" >>order.log; echo "out of ${name}"; exit ${code}; }; s`,
  ].join("; ");

function project(codes: Partial<Record<string, number>> = {}): string {
  const dir = scratchDir("test-tiers");
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "tools"));
  copyFileSync(RUNNER, join(dir, "bin", "test.cjs"));
  copyFileSync(join(RUNNER, "..", "..", "tools", "npm-script.cjs"), join(dir, "tools", "npm-script.cjs"));
  const scripts = {
    typecheck: script("typecheck", ["lint", "test:unit"], codes.typecheck),
    lint: script("lint", ["typecheck", "test:unit"], codes.lint),
    "test:unit": script("test:unit", ["typecheck", "lint"], codes["test:unit"]),
    "fork:check": script("fork:check", ["test:journeys:jest"], codes["fork:check"]),
    "test:journeys:jest": script("test:journeys:jest", ["fork:check"], codes["test:journeys:jest"]),
    "bench:workload": script("bench:workload", [], codes["bench:workload"]),
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts }));
  return dir;
}

function runTier(dir: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(dir, "bin", "test.cjs"), ...args], { cwd: dir, encoding: "utf8" });
  const order = readFileSync(join(dir, "order.log"), "utf8").trim().split("\n");
  return { ...result, order };
}

// A runner that ran the scripts one after another would leave a script waiting its 20 s for a partner.
jest.setTimeout(60_000);

describe("bin/test.cjs: a tier's scripts at once", () => {
  it("fast tier: typecheck and lint beside jest, jest's arguments passed on, exit 0 when all pass", () => {
    const { status, order, stdout, stderr } = runTier(project(), ["--ci", "a file"]);
    expect(status).toBe(0);
    // Each waited for the other two to start (else it exits 9): they ran at once.
    expect(order).toContain("start typecheck --singleThreaded");
    expect(order).toContain("start test:unit --ci a file");
    // jest's output live on stdout; the others' after it, under their name, on stderr.
    expect(stdout).toContain("out of test:unit");
    expect(stderr).toMatch(/out of typecheck\n\s*typecheck: ok in [\d.]+ s/);
    expect(stderr).toMatch(/lint: ok in/);
  });

  it("journeys tier: fork:check beside jest, bench:workload alone after both, arguments to jest", () => {
    const { status, order } = runTier(project(), ["journeys", "--runInBand"]);
    expect(status).toBe(0);
    expect(order).toContain("start test:journeys:jest --runInBand");
    // bench:workload starts only once both have ended.
    const bench = order.indexOf("start bench:workload");
    expect(bench).toBeGreaterThan(order.indexOf("end fork:check"));
    expect(bench).toBeGreaterThan(order.indexOf("end test:journeys:jest"));
  });

  it("--help: the usage, naming each tier's scripts, and runs none", () => {
    const dir = project();
    const result = spawnSync(process.execPath, [join(dir, "bin", "test.cjs"), "journeys", "--help"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm test/);
    expect(result.stdout).toContain("fork:check beside test:journeys:jest, then bench:workload");
    expect(existsSync(join(dir, "order.log"))).toBe(false);
  });

  it.each([
    ["fast", "typecheck", []],
    ["fast", "test:unit", []],
    ["journeys", "bench:workload", ["journeys"]],
  ])("%s tier: exits 1 naming %s when it fails, after every script ran", (_tier, failing, args) => {
    const { status, order, stderr } = runTier(project({ [failing]: 3 }), args);
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`: ${failing} failed\\n$`));
    // Every script still ran to its end.
    expect(order.filter((line) => line.startsWith("end ")).length).toBe(3);
  });
});
