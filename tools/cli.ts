/**
 * The repository's own commands: argument parsing, `--help`, exit codes.
 * Each command's logic is in its module (env-add.ts, ...).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { company, environments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { SERVICE_NAME } from "../lib/config/company";
import { ConfigError } from "../lib/config/errors";
import { loadConfiguration } from "../lib/config/load";
import { runAddresses } from "./addresses";
import { DIAGRAM_USAGE, mermaidOf, readStack, writeReadme } from "./diagram";
import {
  binaryCheck,
  bootstrapCheck,
  type Check,
  configuredIds,
  DOCTOR_USAGE,
  environmentChecks,
  formatChecks,
  nodeCheck,
  type Probe,
  placeholderChecks,
  realProbe,
} from "./doctor";
import { ENV_ADD_USAGE, EnvAddError, envAdd } from "./env-add";
import { ENV_REMOVE_USAGE, EnvRemoveError, envRemove } from "./env-remove";
import { defaultJobs, FORK_CHECK_USAGE, forkCheck, formatList } from "./fork-check";
import { forksOf, withTests, wordForks } from "./forks";

export interface ToolIo {
  log(message: string): void;
  error(message: string): void;
}

const COMMANDS = ["env:add", "env:remove", "doctor", "diagram", "fork:check", "addresses"] as const;

/** A command line that does not parse: the command prints it with its usage and exits 2. */
class UsageError extends Error {}

/**
 * Node's own parser (`util.parseArgs`, no dependency): strict, so an unknown or
 * misspelled option is an error rather than ignored; `--opt value` and
 * `--opt=value` both work.
 */
function parse<T extends ParseArgsConfig["options"]>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Duck-typed: Node's TypeError may come from another realm (jest's sandbox).
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (String(code).startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(String(message).replace(/\. To specify a positional argument.*$/s, ""));
    }
    throw error;
  }
}

/** Runs `body`, turning a UsageError into its message plus `usage` and exit 2. */
function withUsage(command: string, usage: string, io: ToolIo, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(`${command}: ${error.message}\n\n${usage}`);
    return 2;
  }
}

const HELP = { help: { type: "boolean", short: "h" } } as const;

function runEnvAdd(args: readonly string[], io: ToolIo, root: string): number {
  return withUsage("env:add", ENV_ADD_USAGE, io, () => {
    const { values, positionals } = parse(args, {
      ...HELP,
      from: { type: "string" },
      after: { type: "string" },
      // ID_FLAGS names these in env:add's messages.
      "aws-account": { type: "string" },
      "azure-subscription": { type: "string" },
      "gcp-project": { type: "string" },
    });
    if (values.help) {
      io.log(ENV_ADD_USAGE);
      return 0;
    }
    const from = values.from;
    if (positionals.length !== 1 || from === undefined || from === "") {
      throw new UsageError("expected one <name> and --from <env>");
    }
    const [name] = positionals;
    try {
      const written = envAdd(
        root,
        name,
        {
          from,
          after: values.after,
          ids: { aws: values["aws-account"], azure: values["azure-subscription"], gcp: values["gcp-project"] },
        },
        { files: environments, company, bootstrap },
      );
      io.log(`Added environment "${name}" (a copy of "${from}"): wrote ${written.join(", ")}.`);
      io.log(`Next: edit environments/${name}.ts (sizes, backend, gate), then npm run synth.`);
      return 0;
    } catch (error) {
      if (!(error instanceof EnvAddError)) throw error;
      io.error(`env:add: ${error.message}`);
      return 1;
    }
  });
}

/** Code that may import an environment file: everything but dependencies and outputs. */
function codeFiles(root: string, dir = ""): { path: string; text: string }[] {
  const skip = new Set(["node_modules", ".git", "cdktf.out", "reports", "dist", ".gen", "docs"]);
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === "" ? entry.name : join(dir, entry.name);
    if (skip.has(entry.name)) return [];
    if (entry.isDirectory()) return codeFiles(root, path);
    return /\.(ts|cjs|mjs|js)$/.test(entry.name) ? [{ path, text: readFileSync(join(root, path), "utf8") }] : [];
  });
}

function runEnvRemove(args: readonly string[], io: ToolIo, root: string): number {
  return withUsage("env:remove", ENV_REMOVE_USAGE, io, () => {
    const { values, positionals } = parse(args, HELP);
    if (values.help) {
      io.log(ENV_REMOVE_USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("expected one <name>");
    const [name] = positionals;
    try {
      const changed = envRemove(root, name, {
        files: environments,
        company,
        bootstrap,
        sources: codeFiles(root).filter((file) => file.path !== join("environments", `${name}.ts`)),
      });
      io.log(`Removed environment "${name}": ${changed.join(", ")}.`);
      io.log(
        `If it was deployed: its resources stay until \`npx cdktf destroy ${name}\` (run that from a checkout that still has it).`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof EnvRemoveError)) throw error;
      io.error(`env:remove: ${error.message}`);
      return 1;
    }
  });
}

/** The configuration a command reads: environments/ as imported, or a stand-in in tests. */
export interface ConfigurationInputs {
  readonly files: Readonly<Record<string, unknown>>;
  readonly company: unknown;
  readonly bootstrap: unknown;
}

const SHIPPED: ConfigurationInputs = { files: environments, company, bootstrap };

export function runDoctor(
  args: readonly string[],
  io: ToolIo,
  probe: Probe,
  inputs: ConfigurationInputs = SHIPPED,
): number {
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
    loaded = loadConfiguration(inputs.files, inputs.company, inputs.bootstrap);
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
  const tenant = selected.some((env) => env.clouds.includes("azure")) ? loaded.bootstrap?.azure?.tenantId : undefined;
  const config = placeholderChecks(configuredIds(loaded.configs[0].company, selected, tenant));
  const sections = [formatChecks("This machine:", machine), formatChecks("Configuration (environments/):", config)];
  let ok = [...machine, ...config].every((check) => check.ok);
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

async function runForkCheck(args: readonly string[], io: ToolIo, root: string): Promise<number> {
  let parsed: ReturnType<typeof parseForkCheck>;
  try {
    parsed = parseForkCheck(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(`fork:check: ${error.message}\n\n${FORK_CHECK_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.log(FORK_CHECK_USAGE);
    return 0;
  }
  const { configs } = loadConfiguration(environments, company, bootstrap);
  const original = { company: configs[0].company, environments: configs };
  // `--service` words are forks of their own; given alone, only they run.
  const words = wordForks(original, parsed.services);
  const all = withTests([...forksOf(original), ...words], commitOf(root), parsed.full);
  if (parsed.list) {
    io.log(formatList(all));
    return 0;
  }
  const unknown = parsed.only.filter((name) => !all.some((fork) => fork.name === name));
  if (unknown.length > 0) {
    io.error(`fork:check: unknown fork ${unknown.join(", ")}; forks: ${all.map((fork) => fork.name).join(", ")}`);
    return 2;
  }
  const wanted = new Set(parsed.only.length === 0 && words.length > 0 ? words.map((fork) => fork.name) : parsed.only);
  const forks = wanted.size === 0 ? all : all.filter((fork) => wanted.has(fork.name));
  return forkCheck({ root, original, forks, jobs: parsed.jobs, keep: parsed.keep, log: io.log });
}

/** The commit CI builds (CI_COMMIT_SHA), else the checkout's HEAD; "" outside git. */
function commitOf(root: string): string {
  const ci = process.env.CI_COMMIT_SHA;
  if (ci !== undefined && ci !== "") return ci;
  const git = spawnSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" });
  return git.status === 0 ? git.stdout.trim() : "";
}

function parseForkCheck(args: readonly string[]) {
  const { values, positionals } = parse(args, {
    ...HELP,
    only: { type: "string", multiple: true },
    list: { type: "boolean" },
    jobs: { type: "string" },
    keep: { type: "boolean" },
    full: { type: "boolean" },
    service: { type: "string", multiple: true },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const services = [...new Set((values.service ?? []).flatMap((list) => list.split(",")).filter((w) => w !== ""))];
  const invalid = services.find((word) => !SERVICE_NAME.test(word));
  if (invalid !== undefined)
    throw new UsageError(`--service ${invalid}: a service name is 3-16 lowercase letters, digits or hyphens`);
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new UsageError(`--jobs must be a whole number of at least 1, not ${values.jobs}`);
  return {
    help: values.help === true,
    list: values.list === true,
    keep: values.keep === true,
    full: values.full === true,
    services,
    jobs,
    only: (values.only ?? []).flatMap((list) => list.split(",")).filter((name) => name !== ""),
  };
}

/** @returns the process exit code */
export async function runTool(args: readonly string[], io: ToolIo = console, root = process.cwd()): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "env:add":
      return runEnvAdd(rest, io, root);
    case "env:remove":
      return runEnvRemove(rest, io, root);
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
