/**
 * `npm run bench`: wall time, CPU time and peak RSS of the project's main
 * commands on this machine, min/median/max over several runs after one
 * warm-up run, plus paired runs against a one-bucket cdktf app run the same
 * way (the framework floor), so a reader sees what is the project's own cost.
 * Replaces the results block of BENCHMARKS.md (`--dry-run` only prints).
 * Peak RSS is GNU time's maximum resident set of the largest process in the
 * command's tree; CPU is user + system time of the whole tree, which a loaded
 * machine distorts less than wall time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { booleanOption, command, main, stringOption, UsageError } from "../tools/command";
import { writeBenchmarksBlock } from "./benchmarks-file";
import { formatSummary, pairedDifferences, summarize } from "./stats";

const ROOT = REPOSITORY_ROOT;
const TIME = "/usr/bin/time";

interface Case {
  readonly name: string;
  readonly command: readonly string[];
  readonly slow?: boolean;
  /** Runs before each run, untimed (a cold run removes the cached bundle). */
  readonly before?: () => void;
  /**
   * Runs as `npm run synth` does: its working directory is the run's own scratch folder (cdktf.out is
   * written there), no CDKTF_OUTDIR. main.ts takes CDKTF_OUTDIR for the cdktf CLI running it and adds
   * the deploy hint's checks of this machine (~0.13 s of CPU), which `npm run synth` never runs.
   */
  readonly asNpmSynth?: boolean;
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
}

const run = (entry: string, ...args: string[]) => ["node", "bin/run.cjs", entry, ...args];
const SHIPPED = "synth: shipped environments + bootstrap (node bin/run.cjs main.ts, as npm run synth)";
const FLOOR = "floor: one-bucket cdktf app (node bin/run.cjs bench/one-bucket.ts)";

function measure(c: Case, outdir: string): Sample {
  c.before?.();
  const { CDKTF_OUTDIR: _cli, ...env } = process.env;
  if (c.asNpmSynth === true) mkdirSync(outdir, { recursive: true });
  const result = spawnSync(TIME, ["-f", "%e %U %S %M", ...c.command], {
    cwd: c.asNpmSynth === true ? outdir : ROOT,
    env: { ...env, ...(c.asNpmSynth === true ? {} : { CDKTF_OUTDIR: outdir }), CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(outdir, { recursive: true, force: true });
  const last = result.stderr.trim().split("\n").at(-1) ?? "";
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last);
  if (result.status !== 0 || !match) {
    throw new Error(
      `${c.name}: "${c.command.join(" ")}" failed (exit ${result.status}):\n${result.stderr.slice(-2000)}`,
    );
  }
  return { wall: Number(match[1]), cpu: Number(match[2]) + Number(match[3]), rssMb: Number(match[4]) / 1024 };
}

function cases(): { single: Case[]; pairs: [Case, Case][] } {
  const removeBundle = () => rmSync(join(ROOT, ".gen", "run", "main.cjs.inputs.json"), { force: true });
  // Absolute paths: `npm run synth`'s command, run from a scratch folder.
  const synth = ["node", join(ROOT, "bin", "run.cjs"), join(ROOT, "main.ts")];
  const shipped: Case = { name: SHIPPED, command: synth, asNpmSynth: true };
  const floor: Case = { name: FLOOR, command: run("bench/one-bucket.ts") };
  const cold: Case = {
    name: `${SHIPPED}, cold: bundle rebuilt`,
    command: synth,
    asNpmSynth: true,
    before: removeBundle,
  };
  const single: Case[] = [
    ...[10, 30].map((n) => ({
      name: `synth: ${n} generated environments`,
      command: run("bench/generated-environments.ts", String(n)),
    })),
    {
      name: "synth: 100 generated environments",
      command: run("bench/generated-environments.ts", "100"),
      slow: true,
    },
    { name: "npx cdktf synth (shipped)", command: ["npx", "cdktf", "synth"], slow: true },
    { name: "npm run typecheck", command: ["npm", "run", "--silent", "typecheck"], slow: true },
    { name: "npm test", command: ["npm", "test", "--silent"], slow: true },
  ];
  for (const provider of ["aws", "azurerm", "google", "cloudflare"]) {
    const pkg = `@cdktf/provider-${provider}`;
    single.push(
      { name: `import ${pkg} (barrel)`, command: ["node", "-e", `require("${pkg}")`] },
      { name: `import ${pkg}/lib/provider (deep)`, command: ["node", "-e", `require("${pkg}/lib/provider")`] },
    );
  }
  return {
    single,
    pairs: [
      [shipped, floor],
      [cold, floor],
    ],
  };
}

const row = (name: string, runs: number, samples: readonly Sample[]): string =>
  `| ${name} | ${runs} | ${formatSummary(summarize(samples.map((s) => s.wall)), 2)} | ${formatSummary(
    summarize(samples.map((s) => s.cpu)),
    2,
  )} | ${formatSummary(summarize(samples.map((s) => s.rssMb)), 0)} |`;

function pairRow(subject: Case, a: readonly Sample[], b: readonly Sample[]): string {
  const diff = (pick: (s: Sample) => number, digits: number) =>
    formatSummary(summarize(pairedDifferences(a.map(pick), b.map(pick))), digits);
  return `| ${subject.name} | ${a.length} | ${diff((s) => s.wall, 2)} | ${diff((s) => s.cpu, 2)} | ${diff(
    (s) => s.rssMb,
    0,
  )} |`;
}

function machine(): string {
  const model = cpus()[0]?.model ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `${cpus().length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load} at the start`;
}

export const benchCommand = command({
  name: "bench",
  summary: "Time the project's main commands and record them in BENCHMARKS.md",
  usage: "[options]",
  description: `Measures on this machine (median and min-max over --runs runs, after one warm-up run):
  synth of the shipped stacks, warm and cold (bundle rebuilt), paired with a
  one-bucket cdktf app run the same way (the framework floor); synth of 10, 30
  and 100 generated environments; npx cdktf synth; npm run typecheck; npm test;
  one barrel import versus one deep import of each provider package.
Then replaces the results block of BENCHMARKS.md.`,
  options: {
    runs: stringOption("<n>", "runs per quick case and pair (default 5)"),
    "slow-runs": stringOption(
      "<n>",
      "runs of the slow cases: 100 environments, cdktf synth, typecheck, npm test (default 3)",
    ),
    only: stringOption("<names>", "comma-separated parts of case names to run (default: all)"),
    "dry-run": booleanOption("print the results, leave BENCHMARKS.md as it is"),
  },
  notes: `Needs GNU time at ${TIME} (Debian package "time").
Exit status: 0 measured; 1 a command failed or GNU time is missing; 2 bad usage.`,
  run: ({ values }, io) => {
    const runs = Number(values.runs ?? 5);
    const slowRuns = Number(values["slow-runs"] ?? 3);
    if (![runs, slowRuns].every((n) => Number.isInteger(n) && n >= 1 && n <= 50)) {
      throw new UsageError("--runs and --slow-runs must be whole numbers from 1 to 50");
    }
    if (!existsSync(TIME)) {
      io.err(`bench: GNU time not found at ${TIME}; install it (apt-get install time)`);
      return 1;
    }
    const only = values.only?.split(",").map((s) => s.trim());
    const wanted = (c: Case) => only === undefined || only.some((o) => c.name.includes(o));
    const all = cases();
    const single = all.single.filter(wanted);
    const pairs = all.pairs.filter(([subject]) => wanted(subject));
    if (single.length === 0 && pairs.length === 0) {
      const names = [...all.pairs.map(([s]) => s.name), ...all.single.map((c) => c.name)];
      throw new UsageError(`--only matched no case; cases: ${names.join("; ")}`);
    }

    const machineLine = machine();
    const singleRows: string[] = [];
    const pairRows: string[] = [];
    const work = mkdtempSync(join(tmpdir(), "bench-"));
    let outputs = 0;
    const outdir = () => join(work, `out-${outputs++}`);
    try {
      for (const [subject, baseline] of pairs) {
        measure(subject, outdir());
        measure(baseline, outdir());
        const a: Sample[] = [];
        const b: Sample[] = [];
        // In turn, so both sides of a pair see the same machine.
        for (let i = 0; i < runs; i++) {
          a.push(measure(subject, outdir()));
          b.push(measure(baseline, outdir()));
        }
        const rows = [row(subject.name, runs, a)];
        // The floor once, from its first pair.
        if (!singleRows.some((line) => line.startsWith(`| ${baseline.name} |`))) rows.push(row(baseline.name, runs, b));
        singleRows.push(...rows);
        io.out(rows.join("\n"));
        const paired = pairRow(subject, a, b);
        pairRows.push(paired);
        io.out(paired);
      }
      for (const c of single) {
        const n = c.slow ? slowRuns : runs;
        measure(c, outdir());
        const samples = Array.from({ length: n }, () => measure(c, outdir()));
        const line = row(c.name, n, samples);
        singleRows.push(line);
        io.out(line);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }

    const block = [
      `Machine: ${machineLine}. Command: \`npm run bench -- --runs ${runs} --slow-runs ${slowRuns}${
        values.only === undefined ? "" : ` --only "${values.only}"`
      }\`.`,
      "",
      "| case | runs | wall s | CPU s (user+sys) | peak RSS MB |",
      "| --- | --- | --- | --- | --- |",
      ...singleRows,
      ...(pairRows.length === 0
        ? []
        : [
            "",
            "Paired with the floor (runs in turn; each figure is run i minus floor run i): the project's own cost.",
            "",
            "| case minus floor | pairs | wall s | CPU s (user+sys) | peak RSS MB |",
            "| --- | --- | --- | --- | --- |",
            ...pairRows,
          ]),
      "",
      "Each figure: median (min-max).",
    ].join("\n");
    io.out(`\n${block}`);
    if (values["dry-run"]) return 0;
    writeBenchmarksBlock("results", block);
    io.out("BENCHMARKS.md updated.");
    return 0;
  },
});

if (require.main === module) main(benchCommand);
