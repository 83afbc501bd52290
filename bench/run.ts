/**
 * `npm run bench`: wall time and peak RSS of the project's main commands on
 * this machine, median and spread over several runs. Peak RSS is GNU time's
 * maximum resident set of the largest process in the command's tree.
 * See BENCHMARKS.md for figures and how to read them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const TIME = "/usr/bin/time";

const HELP = `Usage: npm run bench -- [options]

Measures on this machine (median, min-max over --runs runs):
  synth of the shipped environments and bootstrap (npm run synth), of 10 and 30 generated
  environments, npx cdktf synth, npm run typecheck, npm test, and one barrel
  import versus one deep import of each provider package.

Options:
  --runs <n>        runs per synth/import case (default 5)
  --slow-runs <n>   runs for npm test, typecheck and cdktf synth (default 3)
  --only <names>    comma-separated case names to run (default: all)
  --write           replace the results block of BENCHMARKS.md
  -h, --help        this text

Needs GNU time at ${TIME} (Debian package "time").`;

interface Case {
  readonly name: string;
  readonly command: string[];
  readonly slow?: boolean;
  readonly env?: Record<string, string>;
}

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
}

function measure(c: Case, outdir: string): Sample {
  const result = spawnSync(TIME, ["-f", "%e %M", ...c.command], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...c.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = result.stderr.trim().split("\n").at(-1) ?? "";
  const match = /^(\d+(?:\.\d+)?) (\d+)$/.exec(last);
  if (result.status !== 0 || !match) {
    throw new Error(
      `${c.name}: "${c.command.join(" ")}" failed (exit ${result.status}):\n${result.stderr.slice(-2000)}`,
    );
  }
  return { seconds: Number(match[1]), rssMb: Number(match[2]) / 1024 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const fmt = (xs: number[], digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

function cases(): Case[] {
  const list: Case[] = [
    { name: "synth: shipped 3 environments + bootstrap (npm run synth)", command: ["npm", "run", "--silent", "synth"] },
    {
      name: "synth: 10 generated environments",
      command: ["node", "bin/run.cjs", "bench/generated-environments.ts", "10"],
    },
    {
      name: "synth: 30 generated environments",
      command: ["node", "bin/run.cjs", "bench/generated-environments.ts", "30"],
    },
    { name: "npx cdktf synth (shipped)", command: ["npx", "cdktf", "synth"], slow: true },
    { name: "npm run typecheck", command: ["npm", "run", "--silent", "typecheck"], slow: true },
    { name: "npm test", command: ["npm", "test", "--silent"], slow: true },
  ];
  for (const provider of ["aws", "azurerm", "google", "cloudflare"]) {
    const pkg = `@cdktf/provider-${provider}`;
    list.push(
      { name: `import ${pkg} (barrel)`, command: ["node", "-e", `require("${pkg}")`] },
      { name: `import ${pkg}/lib/provider (deep)`, command: ["node", "-e", `require("${pkg}/lib/provider")`] },
    );
  }
  return list;
}

function main(): number {
  let values: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: "string" | "boolean"; short?: string }> }>
  >["values"];
  try {
    ({ values } = parseArgs({
      options: {
        runs: { type: "string" },
        "slow-runs": { type: "string" },
        only: { type: "string" },
        write: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const runs = Number(values.runs ?? 5);
  const slowRuns = Number(values["slow-runs"] ?? 3);
  if (![runs, slowRuns].every((n) => Number.isInteger(n) && n >= 1 && n <= 50)) {
    console.error("bench: --runs and --slow-runs must be whole numbers from 1 to 50");
    return 1;
  }
  if (!existsSync(TIME)) {
    console.error(`bench: GNU time not found at ${TIME}; install it (apt-get install time)`);
    return 1;
  }
  const only = typeof values.only === "string" ? values.only.split(",").map((s) => s.trim()) : undefined;
  const selected = cases().filter((c) => only === undefined || only.some((o) => c.name.includes(o)));
  if (selected.length === 0) {
    console.error(
      `bench: --only matched no case; cases: ${cases()
        .map((c) => c.name)
        .join("; ")}`,
    );
    return 1;
  }

  const rows: string[] = [];
  const work = mkdtempSync(join(tmpdir(), "bench-"));
  try {
    for (const c of selected) {
      const n = c.slow ? slowRuns : runs;
      measure(c, join(work, "warmup"));
      const samples = Array.from({ length: n }, (_, i) => measure(c, join(work, `run-${i}`)));
      const row = `| ${c.name} | ${n} | ${fmt(
        samples.map((s) => s.seconds),
        2,
      )} | ${fmt(
        samples.map((s) => s.rssMb),
        0,
      )} |`;
      console.log(row);
      rows.push(row);
    }
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const block = [
    `Machine: ${machine}. Command: \`npm run bench -- --runs ${runs} --slow-runs ${slowRuns}\`.`,
    "",
    "| case | runs | wall s, median (min-max) | peak RSS MB, median (min-max) |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
  console.log(`\n${block}`);
  if (values.write) {
    const file = join(ROOT, "BENCHMARKS.md");
    const text = readFileSync(file, "utf8");
    const start = "<!-- bench:results:start -->";
    const end = "<!-- bench:results:end -->";
    const [before, rest] = text.split(start);
    if (rest === undefined || !rest.includes(end)) {
      console.error(`bench: BENCHMARKS.md has no ${start} ... ${end} block to replace`);
      return 1;
    }
    writeFileSync(file, `${before}${start}\n${block}\n${end}${rest.split(end)[1]}`);
    console.log("BENCHMARKS.md updated.");
  }
  return 0;
}

process.exitCode = main();
