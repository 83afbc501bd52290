/**
 * What `npx cdktf deploy <env>` (or diff, destroy) will miss, said before
 * Terraform says it its own way (`Failed to get state ... no such host`,
 * `No valid credential sources found`). main.ts runs this when the cdktf CLI
 * runs it (CDKTF_OUTDIR is set). The CLI does not tell the app which command
 * it runs: on Linux the command line of the CLI process (an ancestor of this
 * one) says; elsewhere every environment is checked and the hint is worded as
 * "if you are about to deploy". It only warns, on stdout (the CLI shows the
 * app's stdout, and its stderr only when synth fails): a credential source
 * doctor cannot see (an instance role, say) must not block a deploy.
 */
import { readFileSync } from "node:fs";
import type { EnvironmentConfig } from "../lib/config/schema";
import { binaryCheck, type Check, environmentChecks, type Probe } from "./doctor";

/** cdktf commands that run Terraform against an environment's state and clouds. */
const TERRAFORM_COMMANDS = new Set(["deploy", "apply", "diff", "plan", "destroy", "output", "watch"]);

/** The cdktf command and the stacks it names, as read from a process's arguments. */
export interface CdktfInvocation {
  readonly command: string;
  readonly stacks: readonly string[];
}

/** `[..., ".../cdktf", "deploy", "staging", "--auto-approve"]` -> deploy, [staging]. */
export function invocationOf(argv: readonly string[]): CdktfInvocation | undefined {
  const at = argv.findIndex((arg) => /(^|[\\/])cdktf(\.js|\.cjs)?$/.test(arg));
  if (at < 0) return undefined;
  const rest = argv.slice(at + 1);
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    // `--flag value` pairs are rare in these commands; a bare flag is skipped, a `--x=y` too.
    if (rest[i].startsWith("-")) continue;
    words.push(rest[i]);
  }
  const [command, ...stacks] = words;
  return command === undefined ? undefined : { command, stacks };
}

/** Reads a process's argv and parent pid (Linux /proc); undefined where there is no /proc. */
export interface ProcessReader {
  argv(pid: number): string[] | undefined;
  parent(pid: number): number | undefined;
}

export const procReader: ProcessReader = {
  argv(pid) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .filter((arg) => arg !== "");
    } catch {
      return undefined;
    }
  },
  parent(pid) {
    try {
      // `pid (comm) state ppid ...`: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return undefined;
    }
  },
};

/** The cdktf invocation among this process's ancestors (a shell and bin/run.cjs sit between). */
export function findInvocation(start: number, reader: ProcessReader = procReader): CdktfInvocation | undefined {
  let pid: number | undefined = start;
  for (let depth = 0; depth < 6 && pid !== undefined && pid > 1; depth++) {
    const argv = reader.argv(pid);
    const found = argv === undefined ? undefined : invocationOf(argv);
    if (found !== undefined) return found;
    pid = reader.parent(pid);
  }
  return undefined;
}

/**
 * The hint to print, or undefined when nothing is missing or the command does
 * not run Terraform (`cdktf synth`, `cdktf get`).
 * @param invocation - what the CLI runs; undefined when it could not be read
 */
export function deployHint(
  invocation: CdktfInvocation | undefined,
  configs: readonly EnvironmentConfig[],
  probe: Probe,
): string | undefined {
  if (invocation !== undefined && !TERRAFORM_COMMANDS.has(invocation.command)) return undefined;
  const named = invocation?.stacks ?? [];
  const envs = named.length === 0 ? configs : configs.filter((env) => named.includes(env.name));
  const failed = (checks: readonly Check[]) => checks.filter((check) => !check.ok && !check.unknown);
  const lines: string[] = [];
  for (const check of failed([binaryCheck(probe)])) lines.push(line(check));
  for (const env of envs) {
    for (const check of failed(environmentChecks(probe, env))) lines.push(line(check, env.name));
  }
  if (lines.length === 0) return undefined;
  const target = named.length === 1 ? named[0] : "<env>";
  const head =
    invocation === undefined
      ? "If you are about to deploy or diff: Terraform will stop on what this machine is missing:"
      : `cdktf ${invocation.command}${named.length > 0 ? ` ${named.join(" ")}` : ""}: Terraform will stop on what this machine is missing:`;
  return [head, ...[...new Set(lines)], `Run \`npm run doctor -- ${target}\` for every check and what to do.`].join(
    "\n",
  );
}

function line(check: Check, env?: string): string {
  return `  - ${env === undefined ? "" : `${env}: `}${check.what}${check.fix === undefined ? "" : `\n      -> ${check.fix}`}`;
}
