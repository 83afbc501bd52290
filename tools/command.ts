/**
 * The toolkit every command of this repository is written with (ci/, tools/,
 * bench/): a command is a spec (its options, its positionals, its help) and a
 * `run(args, io)`; this module parses the command line with Node's own parser
 * (`util.parseArgs`: well kept, no dependency, strict), prints the `--help` it
 * generates from the spec, and turns the outcome into one exit-code convention:
 *
 *   0  done
 *   1  the command or its check failed; a thrown error is one line on stderr
 *      (its stack only when DEBUG is set)
 *   2  bad usage: an unknown option or command, a missing or malformed argument
 *      (the message, then the usage line)
 *
 * A command may return another code where a caller reads it (`ci:drift`: 3 when
 * there is drift, the drift-report job's allowed failure); its help says so.
 * Every command receives the same `Io`, so tests run commands in-process with
 * `captureIo()` instead of spawning them.
 */
import { parseArgs } from "node:util";

/** Where a command writes and what it reads of its process. */
export interface Io {
  /** Prints one line (a newline is added) on stdout. */
  out(line: string): void;
  /** Prints one line (a newline is added) on stderr. */
  err(line: string): void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams, folder and variables. */
export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An Io that keeps what is written, for tests: `stdout`/`stderr` are the text a process would have printed. */
export interface CapturedIo extends Io {
  readonly stdout: string;
  readonly stderr: string;
}

export function captureIo(
  options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): CapturedIo {
  let stdout = "";
  let stderr = "";
  return {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** One option: what `util.parseArgs` needs, and the line `--help` shows for it. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in the help, e.g. "<file>". @default "<value>" for a string option */
  readonly value?: string;
  /** What the option does (may span lines: they are indented under it). */
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** An option that takes a value, named `value` in the help. */
export const stringOption = (value: string, help: string) => ({ type: "string", value, help }) as const;
/** An option that takes a value and may be repeated: its values in order. */
export const listOption = (value: string, help: string) => ({ type: "string", multiple: true, value, help }) as const;
/** An option without a value. */
export const booleanOption = (help: string) => ({ type: "boolean", help }) as const;

type ValueOf<O extends OptionSpec> = O["type"] extends "boolean"
  ? O["multiple"] extends true
    ? boolean[]
    : boolean
  : O["multiple"] extends true
    ? string[]
    : string;

/** What a command's `run` receives: the parsed options (absent when not given) and the positionals. */
export interface Args<O extends OptionSpecs> {
  readonly values: { readonly [K in keyof O]?: ValueOf<O[K]> };
  readonly positionals: readonly string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** As typed after the program (`render`), or the script name of a command alone (`edge:signal`). */
  readonly name: string;
  /** One line for the program's list of commands. */
  readonly summary: string;
  /** The arguments part of the usage line, e.g. "--plan <file> --env <name> [options]". */
  readonly usage: string;
  /** Paragraphs shown between the usage line and the options. */
  readonly description?: string;
  readonly options: O;
  /** How many positionals the command takes. @default none */
  readonly positionals?: { readonly min?: number; readonly max?: number; readonly help?: string };
  /** Text after the options: variables read, exit status. */
  readonly notes?: string;
  run(args: Args<O>, io: Io): Promise<number | undefined> | number | undefined;
}

/** Declares a command with its option types inferred from the spec. */
export function command<const O extends OptionSpecs>(spec: Command<O>): Command<O> {
  return spec;
}

/** A bad command line: exit 2, the message and the usage line on stderr. */
export class UsageError extends Error {}

/** Several commands behind one entry point (`ci`, the tools). */
export interface Program {
  /** Prefix of messages, e.g. "ci" ("ci render: ..."); "" when commands speak for themselves. */
  readonly name: string;
  /** How a user starts a command, e.g. (name) => `npm run ci:${name} --`. */
  readonly invocation: (command: string) => string;
  /** The program's own usage line, shown above its commands. */
  readonly usage: string;
  readonly commands: readonly Command<OptionSpecs>[];
}

const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", help: "show this help" };

/** `ci render`, or `edge:signal` for a command alone. */
const labelOf = (program: Program | undefined, command: Command<OptionSpecs>) =>
  program === undefined || program.name === "" ? command.name : `${program.name} ${command.name}`;

function usageLineOf(program: Program | undefined, command: Command<OptionSpecs>): string {
  const invocation = program === undefined ? `npm run ${command.name} --` : program.invocation(command.name);
  // `npm run x --` only when arguments follow.
  return command.usage === "" ? `Usage: ${invocation.replace(/ --$/, "")}` : `Usage: ${invocation} ${command.usage}`;
}

/** Rows of two columns, the second aligned and its continuation lines indented under it. */
function columns(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows
    .map(([left, right]) => `  ${left.padEnd(width)}${right.split("\n").join(`\n  ${" ".repeat(width)}`)}`)
    .join("\n");
}

/** The `--help` text of a command, from its spec. */
export function helpOf(command: Command<OptionSpecs>, program?: Program): string {
  const specs: [string, OptionSpec][] = Object.entries({ ...command.options, help: HELP_OPTION });
  const options = specs.map(([name, spec]): [string, string] => {
    const value = spec.type === "string" ? ` ${spec.value ?? "<value>"}` : "";
    return [`${spec.short === undefined ? "" : `-${spec.short}, `}--${name}${value}`, spec.help];
  });
  return [
    usageLineOf(program, command),
    command.description ?? command.summary,
    `Options:\n${columns(options)}`,
    ...(command.notes === undefined ? [] : [command.notes]),
  ].join("\n\n");
}

/** The `--help` text of a program: its usage and one line per command. */
export function programHelpOf(program: Program): string {
  return `${program.usage}\n\nCommands:\n${columns(program.commands.map((c) => [c.name, c.summary]))}\n\nRun "<command> --help" for its options.`;
}

function parse<O extends OptionSpecs>(command: Command<O>, argv: readonly string[]): Args<O> & { help: boolean } {
  const specs: [string, OptionSpec][] = Object.entries({ ...command.options, help: HELP_OPTION });
  const options = Object.fromEntries(
    specs.map(([name, { type, multiple, short }]) => [
      name,
      { type, ...(multiple === undefined ? {} : { multiple }), ...(short === undefined ? {} : { short }) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Duck-typed: Node's TypeError may come from another realm (jest's sandbox).
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (!String(code).startsWith("ERR_PARSE_ARGS")) throw error;
    throw new UsageError(String(message).replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { help, ...values } = parsed.values;
  if (help === true) return { values: values as Args<O>["values"], positionals: parsed.positionals, help: true };
  const { min = 0, max = 0 } = command.positionals ?? {};
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument ${parsed.positionals[max]}`);
  if (parsed.positionals.length < min) {
    throw new UsageError(`expected ${command.positionals?.help ?? `${min} argument(s)`}`);
  }
  return { values: values as Args<O>["values"], positionals: parsed.positionals, help: false };
}

/** Runs one command with the convention above; never throws. */
export async function runCommand(
  command: Command<OptionSpecs>,
  argv: readonly string[],
  io: Io,
  program?: Program,
): Promise<number> {
  const label = labelOf(program, command);
  try {
    const args = parse(command, argv);
    if (args.help) {
      io.out(helpOf(command, program));
      return 0;
    }
    return (await command.run(args, io)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${label}: ${error.message}\n${usageLineOf(program, command)}   (--help for more)`);
      return 2;
    }
    failed(label, error, io);
    return 1;
  }
}

function failed(label: string, error: unknown, io: Io): void {
  io.err(`${label}: ${error instanceof Error ? error.message : String(error)}`);
  if (io.env.DEBUG !== undefined && error instanceof Error && error.stack !== undefined) io.err(error.stack);
}

/** Runs the command `argv[0]` of a program; no command, `--help` or `help` prints the program's help. */
export async function runProgram(program: Program, argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(programHelpOf(program));
    return 0;
  }
  const command = program.commands.find((c) => c.name === name);
  if (command === undefined) {
    const known = program.commands.map((c) => c.name).join(", ");
    const prefix = program.name === "" ? "" : `${program.name}: `;
    io.err(
      `${prefix}${name === undefined ? "name a command" : `unknown command "${name}"`}; commands: ${known}\n${program.usage}   (--help for more)`,
    );
    return 2;
  }
  return runCommand(command, rest, io, program);
}

/** The entry point of a file: runs a command or program on this process's arguments and sets its exit code. */
export function main(entry: Command<OptionSpecs> | Program, io: Io = processIo()): void {
  const argv = process.argv.slice(2);
  const done = "commands" in entry ? runProgram(entry, argv, io) : runCommand(entry, argv, io);
  void done.then((code) => {
    process.exitCode = code;
  });
}
