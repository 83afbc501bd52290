/**
 * The companies `npm run fork:check` forks this repository as. Each differs
 * from this repository's company in every value docs/forking.md names, and
 * each stresses ways a real fork differs: a common word as service name,
 * one cloud, two clouds, an environment removed, environments added, a
 * self-managed GitLab on another branch, another Cloudflare account for an
 * environment. Five forks carry these seven variations: each fork costs
 * its typecheck, lint, synth and jest again, so variations that touch
 * different files share one (the clouds stay spread: each cloud alone, two,
 * all three, so every cloud's folder runs under a foreign company).
 * Everything is derived from the repository's own configuration (its
 * environments, its clouds), so the matrix runs in a fork too.
 */
import type { CompanyConfig, CompanyInput } from "../lib/config/company";
import type { Cloud, EnvironmentConfig } from "../lib/config/schema";
import { type CloudIds, ID_FLAGS } from "./env-add";

/**
 * What each fork runs after `ci:pipeline` and synth:
 * - `full`: the whole fast suite (`npm run typecheck`, `npm run lint`, every jest test);
 * - `shaped`: typecheck, lint and the jest tests that read environments/ (the ones a fork's
 *   shape can break); the others are the same code on the same fixtures as in a full fork.
 * Both run jest as `npm test` does (jest.fast.config.js, a few jest files for every folder; a shaped
 * fork names its files in FAST_TESTS).
 * `--full` runs every fork full; a default run, FULL_PER_RUN forks chosen by the commit (withTests).
 */
export type ForkTests = "full" | "shaped";

export interface Fork {
  /** Short name for `--only` and the table. */
  readonly name: string;
  /** What makes this company different, one line. */
  readonly about: string;
  /** environments/company.ts of the fork. */
  readonly company: CompanyInput;
  /** The ids of each environment's accounts (docs/forking.md, step 2), by environment name. */
  readonly ids: (environment: string) => CloudIds;
  /** Per environment file, a `cloudflare` block of its own (another account, zone and domain). */
  readonly cloudflare?: Readonly<
    Record<string, { accountId: string; zoneId: string; domain: string; zoneShared: boolean }>
  >;
  /** The fork's own Azure tenant, written into environments/bootstrap.ts when Azure is on. */
  readonly azureTenant: string;
  /** The project's own commands the fork runs after editing the files (`npm run <argv>`). */
  readonly commands: readonly (readonly string[])[];
  /** The environments the fork ends with, in pipeline order. */
  readonly environments: readonly string[];
  readonly tests: ForkTests;
}

/** What the forks are derived from: this repository's configuration. */
export interface Original {
  readonly company: CompanyConfig;
  readonly environments: readonly EnvironmentConfig[];
}

const REGIONS: Readonly<Record<Cloud, string>> = {
  aws: "eu-central-1",
  azure: "germanywestcentral",
  gcp: "europe-west3",
};

/** Two hex digits repeated: a 32-character Cloudflare id that is the fork's own. */
const hexId = (a: string, n: number) => `${a}${(n % 16).toString(16)}`.repeat(16);

/** `length` digits that look like a real id (no runs, no counting), the same for the same seed. */
function digits(seed: number, length: number): string {
  let state = (seed * 2654435761) % 4294967296;
  let out = "";
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += String(Math.floor(state / 65536) % 10);
  }
  return out;
}

/** Account ids unique per fork (`n`) and environment (`e`): never the original's, never another fork's. */
export function idsFor(n: number, service: string, environment: string, e: number): Required<CloudIds> {
  const project = `${service}-${environment}`.slice(0, 22).replace(/-+$/, "");
  const seed = n * 100 + e;
  return {
    aws: `7${String(n).padStart(2, "0")}${String(e).padStart(2, "0")}${digits(seed, 7)}`,
    azure: `${digits(seed, 8)}-${digits(seed + 1, 4)}-4${digits(seed + 2, 3)}-8${digits(seed + 3, 3)}-${digits(seed + 4, 12)}`,
    gcp: `${project}-${String(n).padStart(2, "0")}${String(e).padStart(2, "0")}`,
  };
}

interface CompanyOptions {
  /** GitLab on a host of the company's own domain (`git.<domain>`), not gitlab.com. */
  readonly selfManaged?: boolean;
  readonly defaultBranch?: string;
}

/**
 * A company with nothing in common with `original`: its own names, project,
 * domain, account, image, clouds. Run in a fork that is itself one of these
 * companies, the names get a suffix so they still differ.
 */
function companyOf(
  n: number,
  word: string,
  clouds: readonly Cloud[],
  original: CompanyConfig,
  options: CompanyOptions = {},
): CompanyInput {
  const taken = original.service === word || original.domain.startsWith(`${word}-corp`);
  const service = taken ? `${word}2` : word;
  const domain = `${service}-corp${n}.io`;
  return {
    service,
    gitlab: {
      host: options.selfManaged === true ? `git.${domain}` : "gitlab.com",
      projectPath: `${service}-corp${n}/platform/${service}`,
      projectId: 700_000 + n,
      defaultBranch: options.defaultBranch ?? "main",
    },
    domain,
    cloudflare: taken
      ? { accountId: hexId("e", n), zoneId: hexId("f", n) }
      : { accountId: hexId("a", n), zoneId: hexId("b", n) },
    containerImage: `registry.${domain}/${service}:2.${n}.0`,
    clouds: [...clouds],
    regions: Object.fromEntries(clouds.map((cloud) => [cloud, REGIONS[cloud]])),
    ...(original.weights === undefined ? {} : { weights: original.weights }),
    // Its own on-call route; the objectives stay the original's (tests derive thresholds from them).
    ...(original.monitoring === undefined
      ? {}
      : { monitoring: { ...original.monitoring, notify: { emails: [`oncall@${domain}`] } } }),
    tags: { team: "platform", "cost-center": `cc-${4700 + n}` },
  };
}

/** The forks of `original`, in the order the table lists them. */
export function forksOf(original: Original): Fork[] {
  const names = original.environments.map((env) => env.name);
  const [first] = names;
  // env:add copies the first environment that does not serve on the root domain (a copy of it would collide).
  const source =
    original.environments.find((env) => env.cloudflare.domain !== original.company.domain) ?? original.environments[0];
  const forks: Fork[] = [];
  const add = (
    name: string,
    about: string,
    service: string,
    clouds: readonly Cloud[],
    more: Partial<Omit<Fork, "name" | "about" | "company" | "ids" | "azureTenant">> & CompanyOptions = {},
  ) => {
    const n = forks.length + 1;
    const envs = more.environments ?? names;
    const ids = (environment: string) => idsFor(n, service, environment, envs.indexOf(environment) + 1);
    forks.push({
      name,
      about,
      company: companyOf(n, service, clouds, original.company, more),
      ids: (environment) => pick(ids(environment), clouds),
      cloudflare: more.cloudflare,
      azureTenant: `${digits(n, 8)}-${digits(n + 7, 4)}-4${digits(n + 8, 3)}-9${digits(n + 9, 3)}-${digits(n + 10, 12)}`,
      commands: more.commands ?? [],
      environments: envs,
      tests: more.tests ?? "shaped",
    });
  };

  // Self-managed GitLab on "trunk" with one cloud: AWS trusts only the default branch's tokens.
  add(
    "api-aws-trunk",
    'service "api" (a word all over the code), AWS only, a self-managed GitLab on default branch "trunk"',
    "api",
    ["aws"],
    { selfManaged: true, defaultBranch: "trunk" },
  );
  // env:remove with one cloud: Azure keeps a resource group per environment in the bootstrap stack.
  const removed = names.length > 1 ? first : undefined;
  add(
    removed === undefined ? "web-azure" : `web-azure-no-${removed}`,
    `service "web", Azure only${removed === undefined ? "" : `, "${removed}" removed with env:remove`}`,
    "web",
    ["azure"],
    removed === undefined ? {} : { commands: [["env:remove", "--", removed]], environments: names.slice(1) },
  );
  add("orders-gcp", 'service "orders", GCP only (no AWS or Azure region given)', "orders", ["gcp"]);
  add("app-aws-gcp", 'service "app", two clouds (AWS and GCP)', "app", ["aws", "gcp"]);
  // Five environments added from the source, each with ids of its own, in promotion order before production.
  const candidates = ["sandbox", "qa", "uat", "perf", "preprod", "demo", "load", "preview", "canary", "hotfix"];
  const added = candidates.filter((name) => !names.includes(name)).slice(0, 5);
  const gate = original.environments.findIndex((env) => env.protect || env.deploy.tier === "production");
  const at = gate < 0 ? names.length : gate;
  const fiveEnvironments = [...names.slice(0, at), ...added, ...names.slice(at)];
  // The production environment on another Cloudflare account and zone, under a brand domain of its own.
  const production =
    original.environments.find((env) => env.deploy.tier === "production") ?? original.environments.at(-1);
  const fiveN = forks.length + 1;
  add(
    "five-envs",
    `service "search", all clouds, ${added.join(", ")} added with env:add, ${production?.name} on another Cloudflare account`,
    "search",
    original.company.clouds,
    {
      environments: fiveEnvironments,
      commands: added.map((name) => {
        const ids = idsFor(fiveN, "search", name, fiveEnvironments.indexOf(name) + 1);
        const flags = source.clouds.flatMap((cloud) => [ID_FLAGS[cloud].flag, ids[cloud]]);
        return ["env:add", "--", name, "--from", source.name, ...flags];
      }),
      cloudflare:
        production === undefined
          ? undefined
          : {
              [production.name]: {
                accountId: hexId("c", fiveN),
                zoneId: hexId("d", fiveN),
                domain: `search-brand${fiveN}.io`,
                zoneShared: false,
              },
            },
    },
  );
  return forks;
}

/**
 * One fork per word (`--service <word>`): that word as service name, the
 * original's clouds and environments, every other value a company of its own.
 * Numbered after the matrix so its ids and domains are nobody else's.
 */
export function wordForks(original: Original, words: readonly string[]): Fork[] {
  const first = forksOf(original).length + 1;
  return words.map((word, i) => {
    const n = first + i;
    const names = original.environments.map((env) => env.name);
    const company = companyOf(n, word, original.company.clouds, original.company);
    const ids = (environment: string) => idsFor(n, company.service, environment, names.indexOf(environment) + 1);
    return {
      name: `word-${word}`,
      about: `service "${company.service}" (a common word), the original's clouds and environments`,
      company,
      ids: (environment) => pick(ids(environment), original.company.clouds),
      azureTenant: `${digits(n, 8)}-${digits(n + 7, 4)}-4${digits(n + 8, 3)}-9${digits(n + 9, 3)}-${digits(n + 10, 12)}`,
      commands: [],
      environments: names,
      tests: "shaped",
    };
  });
}

/**
 * Forks a default run gives their whole suite. One: a shaped fork alone took
 * 47-50 CPU seconds (`--only web-azure`, later `--only web-azure-no-dev`, 2
 * jest workers, a loaded 2-core machine, December 2026; its jest about 30 of
 * them), a full one costs npm test's ~94 (BENCHMARKS.md) plus ~10 of synth,
 * pipeline and diagram, and CI's run of the matrix must stay short; the
 * rotation reaches every fork within a few commits.
 */
export const FULL_PER_RUN = 1;

/**
 * The forks with the tests each runs: every fork `full` when `full` is set;
 * otherwise FULL_PER_RUN consecutive forks, from a place the commit picks,
 * run full and the rest shaped. The same commit always picks the same forks,
 * and successive commits walk the whole matrix over time.
 * @param commit - a commit hash; "" (not a git checkout) picks from the start
 */
export function withTests(forks: readonly Fork[], commit: string, full: boolean): Fork[] {
  // Every character counts (a commit's low bits alone would leave forks out when the matrix's size is a power of two).
  const hash = [...commit.toLowerCase()].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 0);
  const start = hash % Math.max(1, forks.length);
  const chosen = new Set(
    Array.from({ length: Math.min(FULL_PER_RUN, forks.length) }, (_, i) => (start + i) % forks.length),
  );
  return forks.map((fork, i) => ({ ...fork, tests: full || chosen.has(i) ? "full" : "shaped" }));
}

function pick(ids: Required<CloudIds>, clouds: readonly Cloud[]): CloudIds {
  return Object.fromEntries(clouds.map((cloud) => [cloud, ids[cloud]]));
}
