/**
 * `npm run fork:check`: forks this repository the way a company would and
 * proves the fork stays green. In a temporary copy (node_modules linked, not
 * copied) it rewrites only `environments/company.ts` (another service name,
 * root domain, GitLab project, Cloudflare account, image and tags; AWS and
 * Cloudflare only), adds an environment with `npm run env:add`, then runs
 * `npm run synth` and `npm test` there, and checks that no stack and no
 * pipeline job still carries one of this repository's company values.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompanyConfig, CompanyInput } from "../lib/config/company";

export const FORK_CHECK_USAGE = `Usage: npm run fork:check [-- --keep]

Copies the repository to a temporary folder (node_modules linked), edits only
environments/company.ts there (another service, domain, GitLab project and
Cloudflare account; AWS and Cloudflare only), adds an environment (qa) with
npm run env:add, then runs npm run synth and npm test in the copy and
checks every stack and .gitlab-ci.yml for this repository's company values.

  --keep       keep the copy and print where it is
  --help, -h   show this help

Exit status: 0 the fork is green; 1 a step failed (its output shows which).`;

/** The company a fork becomes: nothing in common with this repository's. */
export function forkedCompany(original: CompanyConfig): CompanyInput {
  const service = original.service === "quokka" ? "wombat" : "quokka";
  return {
    service,
    gitlab: {
      host: "gitlab.forked-co.io",
      projectPath: `forked-co/platform/${service}`,
      projectId: 987654,
      defaultBranch: "trunk",
    },
    domain: "forked-co.io",
    cloudflare: { accountId: "c0ffee00c0ffee00c0ffee00c0ffee00", zoneId: "feed0000feed0000feed0000feed0000" },
    containerImage: `registry.forked-co.io/${service}:2.0.0`,
    clouds: ["aws"],
    regions: { aws: "eu-central-1", azure: "germanywestcentral", gcp: "europe-west3" },
    tags: { team: "platform", "cost-center": "cc-4711" },
    // Its own on-call route; the objectives stay the original's (tests derive thresholds from them).
    monitoring: { ...original.monitoring, notify: { emails: [`oncall@${service}.forked-co.io`] } },
  };
}

/** environments/company.ts as a fork would write it. */
export function companyFile(company: CompanyInput): string {
  return `import type { CompanyInput } from "../lib/config/company";

/** Company-wide settings of this fork (written by npm run fork:check). */
export const company = ${JSON.stringify(company, null, 2)} satisfies CompanyInput;
`;
}

/** The values of `original` that must not survive in a fork's output. */
export function leftovers(text: string, original: CompanyConfig): string[] {
  const values = [
    `"${original.service}-`,
    `-${original.service}-`,
    original.domain,
    original.gitlab.projectPath,
    original.containerImage,
    original.cloudflare.accountId,
    original.cloudflare.zoneId,
  ];
  return values.filter((value) => text.includes(value));
}

/** Files of the repository as git sees them (tracked and new, not ignored); every file when git is unavailable. */
function repositoryFiles(root: string): string[] {
  const git = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, encoding: "utf8" });
  if (git.status === 0) return git.stdout.split("\0").filter((path) => path !== "" && existsSync(join(root, path)));
  const skip = new Set(["node_modules", ".git", "cdktf.out", "reports", "dist", ".gen"]);
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === "" ? entry.name : join(dir, entry.name);
      if (skip.has(entry.name)) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk("");
}

export interface ForkCheckOptions {
  readonly root: string;
  readonly company: CompanyConfig;
  /** Environment to copy for the added one: the first that does not serve on the root domain. */
  readonly from: string;
  /** Name of the environment added with env:add (one this repository does not use). */
  readonly name: string;
  readonly keep?: boolean;
  readonly log: (message: string) => void;
}

/** @returns the exit code */
export function forkCheck(options: ForkCheckOptions): number {
  const copy = mkdtempSync(join(tmpdir(), "fork-check-"));
  const log = options.log;
  try {
    for (const path of repositoryFiles(options.root)) {
      cpSync(join(options.root, path), join(copy, path), { recursive: true });
    }
    symlinkSync(join(options.root, "node_modules"), join(copy, "node_modules"), "dir");
    const fork = forkedCompany(options.company);
    writeFileSync(join(copy, "environments", "company.ts"), companyFile(fork));
    log(
      `fork:check: forked into ${copy} as service "${fork.service}" on ${fork.domain}, clouds ${fork.clouds.join(", ")}`,
    );

    // The copy's own tools, as a fork's maintainer would run them; CHECKPOINT_DISABLE keeps cdktf offline.
    const env = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: undefined,
      RELEASE_ID: undefined,
      IMAGE_DIGEST: undefined,
      RELEASE_STEP: undefined,
      RELEASE_STABLE_DIR: undefined,
    };
    const steps: [string, string[]][] = [
      // The file as its author would save it: formatted like the rest of the repository.
      ["npx", ["biome", "format", "--write", "environments/company.ts"]],
      ["npm", ["run", "--silent", "env:add", "--", options.name, "--from", options.from]],
      ["npm", ["run", "--silent", "synth"]],
      ["npm", ["test"]],
    ];
    for (const [command, args] of steps) {
      log(`fork:check: ${command} ${args.join(" ")}`);
      const result = spawnSync(command, args, { cwd: copy, env, stdio: "inherit" });
      if (result.status !== 0) {
        log(`fork:check: FAILED at \`${command} ${args.join(" ")}\` (exit ${result.status ?? result.signal})`);
        return 1;
      }
    }

    const problems: string[] = [];
    const stacks = readdirSync(join(copy, "cdktf.out", "stacks")).sort();
    const expected = [...Object.keys(environmentNames(copy)), "bootstrap"].sort();
    if (JSON.stringify(stacks) !== JSON.stringify(expected)) {
      problems.push(`stacks are ${stacks.join(", ")}; expected ${expected.join(", ")}`);
    }
    const outputs = [...stacks.map((stack) => join("cdktf.out", "stacks", stack, "cdk.tf.json")), ".gitlab-ci.yml"];
    for (const path of outputs) {
      const text = readFileSync(join(copy, path), "utf8");
      for (const value of leftovers(text, options.company)) problems.push(`${path} still contains ${value}`);
      if (path.endsWith(".json") && !path.includes("bootstrap") && !text.includes(`${fork.service}-`)) {
        problems.push(`${path} names nothing after the fork's service "${fork.service}"`);
      }
    }
    if (!readFileSync(join(copy, ".gitlab-ci.yml"), "utf8").includes(`deploy:${options.name}:`)) {
      problems.push(`.gitlab-ci.yml has no deploy:${options.name} job`);
    }
    for (const problem of problems) log(`fork:check: ${problem}`);
    log(problems.length === 0 ? "fork:check: the fork is green" : "fork:check: FAILED");
    return problems.length === 0 ? 0 : 1;
  } finally {
    if (options.keep) log(`fork:check: kept ${copy}`);
    else rmSync(copy, { recursive: true, force: true });
  }
}

/** The environment keys of the copy's environments/index.ts, read as text (the copy is not importable here). */
function environmentNames(copy: string): Record<string, true> {
  const index = readFileSync(join(copy, "environments", "index.ts"), "utf8");
  const list = /export const environments = \{([^}]*)\}/.exec(index)?.[1] ?? "";
  const names = list
    .split(",")
    .map((entry) => entry.trim().split(":")[0].replaceAll('"', ""))
    .filter((name) => name !== "");
  return Object.fromEntries(names.map((name) => [name, true]));
}
