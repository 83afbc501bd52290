/**
 * The repository's own commands: argument parsing, `--help`, exit codes.
 * Each command's logic is in its module (env-add.ts, ...).
 */
import { company, environments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { ENV_ADD_USAGE, EnvAddError, envAdd } from "./env-add";

export interface ToolIo {
  log(message: string): void;
  error(message: string): void;
}

const COMMANDS = ["env:add"] as const;

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

/** @returns the process exit code */
export async function runTool(args: readonly string[], io: ToolIo = console, root = process.cwd()): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "env:add":
      return runEnvAdd(rest, io, root);
    default:
      io.error(`unknown command "${command ?? ""}"; commands: ${COMMANDS.join(", ")}`);
      return 2;
  }
}
