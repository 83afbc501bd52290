/**
 * The repository's own commands: argument parsing, `--help`, exit codes.
 * Each command's logic is in its module (env-add.ts, ...).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { company, environments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { ConfigError } from "../lib/config/errors";
import { loadConfiguration } from "../lib/config/load";
import { runAddresses } from "./addresses";
import { DIAGRAM_USAGE, mermaidOf, readStack, writeReadme } from "./diagram";
import {
  binaryCheck,
  bootstrapCheck,
  type Check,
  DOCTOR_USAGE,
  environmentChecks,
  formatChecks,
  nodeCheck,
  type Probe,
} from "./doctor";
import { ENV_ADD_USAGE, EnvAddError, envAdd } from "./env-add";
import { FORK_CHECK_USAGE, forkCheck } from "./fork-check";

export interface ToolIo {
  log(message: string): void;
  error(message: string): void;
}

const COMMANDS = ["env:add", "doctor", "diagram", "fork:check", "addresses"] as const;

/** `--from <env>` or `--from=<env>`; the rest are positional. */
function splitArgs(args: readonly string[]): { positional: string[]; from?: string; unknown?: string } {
  const positional: string[] = [];
  let from: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--from") from = args[++i];
    else if (arg.startsWith("--from=")) from = arg.slice("--from=".length);
    else if (arg.startsWith("-")) return { positional, from, unknown: arg };
    else positional.push(arg);
  }
  return { positional, from };
}

function runEnvAdd(args: readonly string[], io: ToolIo, root: string): number {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(ENV_ADD_USAGE);
    return 0;
  }
  const { positional, from, unknown } = splitArgs(args);
  if (unknown !== undefined || positional.length !== 1 || from === undefined || from === "") {
    const why = unknown !== undefined ? `unknown option ${unknown}` : "expected one <name> and --from <env>";
    io.error(`env:add: ${why}\n\n${ENV_ADD_USAGE}`);
    return 2;
  }
  try {
    const written = envAdd(root, positional[0], from, { files: environments, company, bootstrap });
    io.log(`Added environment "${positional[0]}" (a copy of "${from}"): wrote ${written.join(", ")}.`);
    io.log(`Next: edit environments/${positional[0]}.ts (ids, sizes, backend, gate), then npm run synth.`);
    return 0;
  } catch (error) {
    if (!(error instanceof EnvAddError)) throw error;
    io.error(`env:add: ${error.message}`);
    return 1;
  }
}

/** The machine as it is: PATH lookups, `<binary> version`, files. */
export function realProbe(root: string): Probe {
  const env = process.env;
  return {
    env,
    nodeVersion: process.version,
    home: homedir(),
    root,
    which(command) {
      for (const dir of (env.PATH ?? "").split(delimiter)) {
        const path = join(dir, command);
        if (dir !== "" && existsSync(path) && statSync(path).isFile()) return path;
      }
      return undefined;
    },
    version(binary) {
      try {
        const out = execFileSync(binary, ["version"], {
          encoding: "utf8",
          timeout: 20_000,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...env, CHECKPOINT_DISABLE: "1" },
        });
        return out.split("\n")[0].trim();
      } catch {
        return undefined;
      }
    },
    exists: (path) => existsSync(path) && statSync(path).size > 0,
  };
}

/** @returns 0 when every named environment can be deployed from here. */
export function runDoctor(args: readonly string[], io: ToolIo, probe: Probe): number {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(DOCTOR_USAGE);
    return 0;
  }
  const flag = args.find((arg) => arg.startsWith("-"));
  if (flag !== undefined) {
    io.error(`doctor: unknown option ${flag}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  let loaded: ReturnType<typeof loadConfiguration>;
  try {
    loaded = loadConfiguration(environments, company, bootstrap);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.error(error.message);
    return 2;
  }
  const unknown = args.filter((name) => !loaded.configs.some((env) => env.name === name));
  if (unknown.length > 0) {
    io.error(
      `doctor: unknown environment ${unknown.join(", ")}; known: ${loaded.configs.map((e) => e.name).join(", ")}`,
    );
    return 2;
  }
  const selected = args.length === 0 ? loaded.configs : loaded.configs.filter((env) => args.includes(env.name));
  const engines = JSON.parse(readFileSync(join(probe.root, "package.json"), "utf8")).engines?.node ?? ">=20";
  const machine: Check[] = [
    nodeCheck(probe, String(engines).replace(/^>=\s*/, "")),
    binaryCheck(probe),
    bootstrapCheck(probe, loaded.bootstrap?.backend.type ?? "local"),
  ];
  const sections = [formatChecks("This machine:", machine)];
  let ok = machine.every((check) => check.ok);
  for (const env of selected) {
    const checks = environmentChecks(probe, env);
    ok &&= checks.every((check) => check.ok);
    sections.push(formatChecks(`npx cdktf deploy ${env.name} (${env.clouds.join(", ")} + cloudflare):`, checks));
  }
  io.log(sections.join("\n\n"));
  io.log(ok ? "\nReady: deploy can start." : "\nNot ready: fix each FAIL above, then run npm run doctor again.");
  return ok ? 0 : 1;
}

function runDiagram(args: readonly string[], io: ToolIo, root: string): number {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(DIAGRAM_USAGE);
    return 0;
  }
  const flag = args.find((arg) => arg.startsWith("-") && arg !== "--write");
  const names = args.filter((arg) => !arg.startsWith("-"));
  if (flag !== undefined || names.length > 1) {
    io.error(
      `diagram: ${flag === undefined ? "name one environment at most" : `unknown option ${flag}`}\n\n${DIAGRAM_USAGE}`,
    );
    return 2;
  }
  const candidates = names.length === 1 ? names : Object.keys(environments);
  const environment = candidates.find((name) => readStack(root, name) !== undefined);
  const json = environment === undefined ? undefined : readStack(root, environment);
  if (environment === undefined || json === undefined) {
    io.error(`diagram: no cdktf.out/stacks/${candidates[0]}/cdk.tf.json; run \`npm run synth\` first`);
    return 1;
  }
  const diagram = mermaidOf(environment, json);
  if (!args.includes("--write")) {
    io.log(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    return 0;
  }
  if (!writeReadme(root, environment, diagram)) {
    io.error("diagram: README.md has no <!-- diagram:start --> ... <!-- diagram:end --> markers");
    return 1;
  }
  io.log(`Wrote the diagram of ${environment} into README.md`);
  return 0;
}

function runForkCheck(args: readonly string[], io: ToolIo, root: string): number {
  if (args.includes("--help") || args.includes("-h")) {
    io.log(FORK_CHECK_USAGE);
    return 0;
  }
  const unknown = args.find((arg) => arg !== "--keep");
  if (unknown !== undefined) {
    io.error(`fork:check: unknown argument ${unknown}\n\n${FORK_CHECK_USAGE}`);
    return 2;
  }
  const { configs } = loadConfiguration(environments, company, bootstrap);
  const from = (configs.find((env) => env.cloudflare.domain !== env.company.domain) ?? configs[0]).name;
  const name = ["qa", "qa-fork", "fork-check"].find((n) => !configs.some((env) => env.name === n)) as string;
  return forkCheck({ root, company: configs[0].company, from, name, keep: args.includes("--keep"), log: io.log });
}

/** @returns the process exit code */
export async function runTool(args: readonly string[], io: ToolIo = console, root = process.cwd()): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "env:add":
      return runEnvAdd(rest, io, root);
    case "doctor":
      return runDoctor(rest, io, realProbe(root));
    case "diagram":
      return runDiagram(rest, io, root);
    case "fork:check":
      return runForkCheck(rest, io, root);
    case "addresses":
      return runAddresses(rest, io, root);
    default:
      io.error(`unknown command "${command ?? ""}"; commands: ${COMMANDS.join(", ")}`);
      return 2;
  }
}
