/**
 * The repository's own commands (`npm run env:add`, `env:remove`, `doctor`,
 * `diagram`, `fork:check`, `addresses`): each one's options and help, written
 * with the command toolkit (command.ts: parsing, --help, exit codes 0/1/2).
 * Each command's logic is in its module (env-add.ts, ...).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { company, environments } from "../environments";
import { bootstrap } from "../environments/bootstrap";
import { SERVICE_NAME } from "../lib/config/company";
import { loadConfiguration } from "../lib/config/load";
import { addressesCommand } from "./addresses";
import {
  booleanOption,
  command,
  type Io,
  listOption,
  type Program,
  runProgram,
  stringOption,
  UsageError,
} from "./command";
import { MARKERS, mermaidOf, readStack, writeReadme } from "./diagram";
import {
  binaryCheck,
  bootstrapCheck,
  type Check,
  configuredIds,
  environmentChecks,
  formatChecks,
  nodeCheck,
  type Probe,
  placeholderChecks,
  realProbe,
} from "./doctor";
import { envAdd } from "./env-add";
import { envRemove } from "./env-remove";
import { defaultJobs, forkCheck, formatList } from "./fork-check";
import { FULL_PER_RUN, forksOf, withTests, wordForks } from "./forks";

/** The configuration a command reads: environments/ as imported, or a stand-in in tests. */
export interface ConfigurationInputs {
  readonly files: Readonly<Record<string, unknown>>;
  readonly company: unknown;
  readonly bootstrap: unknown;
}

const SHIPPED: ConfigurationInputs = { files: environments, company, bootstrap };

/** A comma-separated or repeated list option as its words. */
const words = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((list) => list.split(",")).filter((word) => word !== "");

export const envAddCommand = command({
  name: "env:add",
  summary: "Add an environment as a copy of another, with its own ids",
  usage: "<name> --from <env> [--after <env>] [ids]",
  description: `Adds the environment <name> (2-20 lowercase letters, digits or hyphens, starting
with a letter) as a copy of <env>: writes environments/<name>.ts with its own
ids, lists it in environments/index.ts (in promotion order: before the first
protected or production-tier environment, or right after --after) and
environments/bootstrap.ts, and regenerates .gitlab-ci.yml. Then edit
environments/<name>.ts: what else differs from <env> (sizes, backend, gate).`,
  options: {
    from: stringOption("<env>", "an environment of environments/index.ts to copy"),
    after: stringOption(
      "<env>",
      "list <name> right after <env> (default: before the first protected\nor production-tier environment, else last)",
    ),
    // ID_FLAGS names these in env:add's messages.
    "aws-account": stringOption("<id>", "the new environment's AWS account (12 digits)"),
    "azure-subscription": stringOption("<id>", "its Azure subscription id"),
    "gcp-project": stringOption("<id>", "its GCP project id"),
  },
  positionals: { min: 1, max: 1, help: "one <name>" },
  notes: `Each cloud the copy enables needs its id: env:add never reuses <env>'s accounts.
Nothing is written when a check fails. Exit status: 0 added; 1 refused; 2 bad usage.`,
  run({ values, positionals: [name] }, io) {
    const from = values.from;
    if (from === undefined || from === "") throw new UsageError("--from <env> is required");
    const written = envAdd(
      io.cwd,
      name,
      {
        from,
        after: values.after,
        ids: { aws: values["aws-account"], azure: values["azure-subscription"], gcp: values["gcp-project"] },
      },
      { files: environments, company, bootstrap },
    );
    io.out(`Added environment "${name}" (a copy of "${from}"): wrote ${written.join(", ")}.`);
    io.out(`Next: edit environments/${name}.ts (sizes, backend, gate), then npm run synth.`);
    return 0;
  },
});

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

export const envRemoveCommand = command({
  name: "env:remove",
  summary: "Remove an environment from environments/ and the pipeline",
  usage: "<name>",
  description: `Removes the environment <name>: deletes environments/<name>.ts, its import and
entry in environments/index.ts, its entry in environments/bootstrap.ts and its
recorded Terraform addresses (__tests__/stacks/addresses/<name>.txt), and regenerates
.gitlab-ci.yml. The last environment cannot be removed, nor one
another file still imports.

It does not touch the cloud: if <name> was deployed, run
\`npx cdktf destroy <name>\` first; the next bootstrap apply removes its CI
identities and GitLab environment.`,
  options: {},
  positionals: { min: 1, max: 1, help: "one <name>" },
  notes: "Nothing is changed when a check fails. Exit status: 0 removed; 1 refused; 2 bad usage.",
  run({ positionals: [name] }, io) {
    const changed = envRemove(io.cwd, name, {
      files: environments,
      company,
      bootstrap,
      sources: codeFiles(io.cwd).filter((file) => file.path !== join("environments", `${name}.ts`)),
    });
    io.out(`Removed environment "${name}": ${changed.join(", ")}.`);
    io.out(
      `If it was deployed: its resources stay until \`npx cdktf destroy ${name}\` (run that from a checkout that still has it).`,
    );
    return 0;
  },
});

/** `doctor` on the machine `probeOf` describes (tests: a stand-in) and the configuration `inputs`. */
export function doctorCommand(probeOf: (io: Io) => Probe = (io) => realProbe(io.cwd), inputs = SHIPPED) {
  return command({
    name: "doctor",
    summary: "Check this machine has what `cdktf deploy <env>` needs",
    usage: "[<env>...]",
    description: `Checks what \`npx cdktf deploy <env>\` needs here, for every environment (or
those named): Node version; tofu or terraform on PATH and its version;
credentials for each cloud the environment enables and for Cloudflare (the
variables each provider reads, or a CLI login); TF_HTTP_USERNAME and
TF_HTTP_PASSWORD for GitLab-managed state; the bootstrap stack's state.
Prints one line per check and what to do for each that fails.`,
    options: {},
    positionals: { max: Number.POSITIVE_INFINITY },
    notes:
      "Exit status: 0 deploy can start; 1 something is missing, or an invalid configuration; 2 bad usage (an unknown environment).",
    run({ positionals: names }, io) {
      const loaded = loadConfiguration(inputs.files, inputs.company, inputs.bootstrap);
      const unknown = names.filter((name) => !loaded.configs.some((env) => env.name === name));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown environment ${unknown.join(", ")}; known: ${loaded.configs.map((e) => e.name).join(", ")}`,
        );
      }
      const probe = probeOf(io);
      const selected = names.length === 0 ? loaded.configs : loaded.configs.filter((env) => names.includes(env.name));
      const engines = JSON.parse(readFileSync(join(probe.root, "package.json"), "utf8")).engines?.node ?? ">=20";
      const machine: Check[] = [
        nodeCheck(probe, String(engines).replace(/^>=\s*/, "")),
        binaryCheck(probe),
        bootstrapCheck(probe, loaded.bootstrap?.backend.type ?? "local"),
      ];
      const tenant = selected.some((env) => env.clouds.includes("azure"))
        ? loaded.bootstrap?.azure?.tenantId
        : undefined;
      const config = placeholderChecks(configuredIds(loaded.configs[0].company, selected, tenant));
      const sections = [formatChecks("This machine:", machine), formatChecks("Configuration (environments/):", config)];
      let ok = [...machine, ...config].every((check) => check.ok);
      for (const env of selected) {
        const checks = environmentChecks(probe, env);
        ok &&= checks.every((check) => check.ok);
        sections.push(formatChecks(`npx cdktf deploy ${env.name} (${env.clouds.join(", ")} + cloudflare):`, checks));
      }
      io.out(sections.join("\n\n"));
      io.out(ok ? "\nReady: deploy can start." : "\nNot ready: fix each FAIL above, then run npm run doctor again.");
      return ok ? 0 : 1;
    },
  });
}

export const diagramCommand = command({
  name: "diagram",
  summary: "Print (or write into README.md) the Mermaid diagram of a synthesized environment",
  usage: "[<env>] [--write]",
  description: `Reads cdktf.out/stacks/<env>/cdk.tf.json (run npm run synth first) and prints a
Mermaid flowchart of that environment: client, Cloudflare edge Worker, each
origin with its traffic share, per cloud with region and resource count.
<env> is the environment to draw (default: the first synthesized one of
environments/index.ts).`,
  options: {
    write: booleanOption(`replace the diagram in README.md (between ${MARKERS.start} and ${MARKERS.end})`),
  },
  positionals: { max: 1 },
  notes: "Exit status: 0 printed or written; 1 no synthesized stack or no markers; 2 bad usage.",
  run({ values, positionals }, io) {
    const candidates = positionals.length === 1 ? [...positionals] : Object.keys(environments);
    const environment = candidates.find((name) => readStack(io.cwd, name) !== undefined);
    const json = environment === undefined ? undefined : readStack(io.cwd, environment);
    if (environment === undefined || json === undefined) {
      io.err(`diagram: no cdktf.out/stacks/${candidates[0]}/cdk.tf.json; run \`npm run synth\` first`);
      return 1;
    }
    const diagram = mermaidOf(environment, json);
    if (values.write !== true) {
      io.out(`\`\`\`mermaid\n${diagram}\n\`\`\``);
      return 0;
    }
    if (!writeReadme(io.cwd, environment, diagram)) {
      io.err(`diagram: README.md has no ${MARKERS.start} ... ${MARKERS.end} markers`);
      return 1;
    }
    io.out(`Wrote the diagram of ${environment} into README.md`);
    return 0;
  },
});

/** The commit CI builds (CI_COMMIT_SHA), else the checkout's HEAD; "" outside git. */
function commitOf(io: Io): string {
  const ci = io.env.CI_COMMIT_SHA;
  if (ci !== undefined && ci !== "") return ci;
  const git = spawnSync("git", ["rev-parse", "HEAD"], { cwd: io.cwd, encoding: "utf8" });
  return git.status === 0 ? git.stdout.trim() : "";
}

export const forkCheckCommand = command({
  name: "fork:check",
  summary: "Fork this repository as several companies and check each fork stays green",
  usage: "[--only <fork>[,<fork>...]] [--full] [--service <word>[,<word>...]] [--list] [--jobs <n>] [--keep]",
  description: `Forks this repository as several companies at once (tools/forks.ts): a common
word as service name, each cloud alone, two clouds, the first environment
removed (env:remove), five environments added (env:add), a self-managed GitLab
with another default branch, another Cloudflare account (five forks carry
them: --list). Each fork is a
temporary copy (node_modules linked) where only what docs/forking.md says is
edited; then npm run ci:pipeline, npm run synth, npm run diagram -- --write,
the tests, and a check that
no stack and no pipeline job carries this repository's company values.

Tests per fork: "full" runs the whole fast suite (typecheck, lint, every jest
test); "shaped" runs typecheck, lint and the jest tests that read
environments/ (the ones a fork's shape can break). A default run (CI's) runs
${FULL_PER_RUN === 1 ? "one fork" : `${FULL_PER_RUN} forks`} full and the rest shaped; which rotates with the commit
(CI_COMMIT_SHA, else git HEAD), so successive commits give every fork its
whole suite while one run stays short. --list shows this commit's choice.`,
  options: {
    only: listOption("<fork>", "run only these forks (comma-separated or repeated)"),
    full: booleanOption("run every fork's whole suite (the closing check of a change)"),
    service: listOption(
      "<word>",
      "fork as a company whose service is <word> (a fork word-<word>\nper word, the original's clouds and environments); alone, only\nthese forks run",
    ),
    list: booleanOption("list the forks and what each runs, then exit"),
    jobs: stringOption("<n>", "forks at a time (default: the machine's cores, at most 2)"),
    keep: booleanOption("keep the copies and print where they are"),
  },
  notes: "Exit status: 0 every fork is green; 1 a fork failed (its log's tail is shown); 2 bad usage.",
  run({ values }, io) {
    const services = [...new Set(words(values.service))];
    const invalid = services.find((word) => !SERVICE_NAME.test(word));
    if (invalid !== undefined) {
      throw new UsageError(`--service ${invalid}: a service name is 3-16 lowercase letters, digits or hyphens`);
    }
    const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
      throw new UsageError(`--jobs must be a whole number of at least 1, not ${values.jobs}`);
    }
    const only = words(values.only);
    const { configs } = loadConfiguration(environments, company, bootstrap);
    const original = { company: configs[0].company, environments: configs };
    // `--service` words are forks of their own; given alone, only they run.
    const wordForksOf = wordForks(original, services);
    const all = withTests([...forksOf(original), ...wordForksOf], commitOf(io), values.full === true);
    if (values.list === true) {
      io.out(formatList(all));
      return 0;
    }
    const unknown = only.filter((name) => !all.some((fork) => fork.name === name));
    if (unknown.length > 0) {
      throw new UsageError(`unknown fork ${unknown.join(", ")}; forks: ${all.map((fork) => fork.name).join(", ")}`);
    }
    const wanted = new Set(only.length === 0 && wordForksOf.length > 0 ? wordForksOf.map((fork) => fork.name) : only);
    const forks = wanted.size === 0 ? all : all.filter((fork) => wanted.has(fork.name));
    return forkCheck({ root: io.cwd, original, forks, jobs, keep: values.keep === true, log: io.out });
  },
});

export const TOOLS: Program = {
  name: "",
  invocation: (name) => `npm run ${name} --`,
  usage: "Usage: npm run <command> -- [options]   (or: node bin/run.cjs tools/main.ts <command> [options])",
  commands: [envAddCommand, envRemoveCommand, doctorCommand(), diagramCommand, forkCheckCommand, addressesCommand],
};

/** Runs a tool in-process (tests): `root` is `io.cwd`. @returns the exit code */
export function runTool(argv: readonly string[], io: Io): Promise<number> {
  return runProgram(TOOLS, argv, io);
}
