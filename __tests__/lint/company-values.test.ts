/**
 * Company values live in environments/company.ts only: code, scripts and tests
 * derive them (or use fixtures of their own), so a fork edits one file. This
 * reads every source file outside environments/ and docs and looks for the
 * values company.ts holds today, in the forms only a leftover takes
 * (tools/leftovers.ts): a service name may be a common word (`api`, `web`),
 * so the word alone never counts.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { environments } from "../../environments";
import { findLeftovers, leftoverPatterns } from "../../tools/leftovers";
import { COMPANY, FIXTURE_SERVICE } from "../helpers/environments";

const ROOT = join(__dirname, "..", "..");
const FOLDERS = ["lib", "app", "ci", "tools", "bin", "bench", "__tests__"];
const FILES = ["main.ts", "cdktf.json", "Dockerfile", "package.json"];
/** Files allowed to name another company: the fork matrix writes its companies. */
const EXCEPT = new Set(["tools/fork-check.ts", "tools/forks.ts"]);
const SOURCE = /\.(ts|cjs|js|json|sh)$/;
const ENVIRONMENTS = Object.keys(environments);
const OPTIONS = { fixtureServices: [FIXTURE_SERVICE.name] };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sources(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/**
 * Service names a real company might pick, each a word code uses anyway
 * (construct ids, scopes, paths): the lint must not mistake any for a leftover.
 */
const COMMON_WORDS = [
  ...["api", "web", "app", "orders", "edge", "worker", "service", "auth", "users", "data", "search"],
  ...["test", "main", "node", "cloud", "stack", "function", "health", "echo", "deploy", "release", "state"],
];

describe("lint: company values only in environments/company.ts", () => {
  const files = [...FOLDERS.flatMap((folder) => sources(join(ROOT, folder))), ...FILES.map((f) => join(ROOT, f))]
    .filter((file) => !EXCEPT.has(relative(ROOT, file)))
    .map((file) => ({ path: relative(ROOT, file), text: readFileSync(file, "utf8") }));
  const scan = (patterns: ReturnType<typeof leftoverPatterns>) =>
    files.flatMap(({ path, text }) => findLeftovers(path, text, patterns));

  it("finds source files to read", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each([...new Set(leftoverPatterns(COMPANY, ENVIRONMENTS, OPTIONS).map((leftover) => leftover.field))])(
    "no file repeats company.%s",
    (field) => {
      expect(scan(leftoverPatterns(COMPANY, ENVIRONMENTS, OPTIONS).filter((l) => l.field === field))).toEqual([]);
    },
  );

  it("finds each form a leftover takes", () => {
    const [env] = ENVIRONMENTS;
    const { service, domain, gitlab, containerImage, cloudflare } = COMPANY;
    const patterns = leftoverPatterns(COMPANY, ENVIRONMENTS, OPTIONS);
    const planted: [string, string][] = [
      ["service", `expect(role.name).toBe("${service}-${env}-deploy");`],
      ["service", `const plan = "ci-${service}-${env}-plan";`],
      ["service", `const fixture = { service: "${service}", env: "${env}" };`],
      ["service", `image: "registry.test/${service}:1.2.3",`],
      ["domain", `url: "https://${env}.${domain}/health",`],
      ["gitlab.projectPath", `path: "${gitlab.projectPath}",`],
      ["containerImage", `image: "${containerImage}",`],
      ["cloudflare.accountId", `accountId: "${cloudflare.accountId}",`],
      ["cloudflare.zoneId", `zoneId: "${cloudflare.zoneId}",`],
    ];
    // Every field is looked for (the service only when it is not the fixtures' own name, see below).
    const looked = new Set(patterns.map((leftover) => leftover.field));
    expect(looked.size).toBeGreaterThanOrEqual(service === FIXTURE_SERVICE.name ? 5 : 6);
    // Each on its own line of a longer file, numbered (findLeftovers reads lines only of a file the whole text
    // matches: no pattern may take a newline otherwise than as a line's edge, e.g. with ^, $ or flags).
    for (const [field, line] of planted.filter(([field]) => looked.has(field))) {
      expect(findLeftovers("planted.ts", `// before\n${line}\n// after`, patterns)).toContain(
        `planted.ts:2: company.${field}: ${line}`,
      );
    }
    for (const { pattern } of patterns) {
      expect([pattern.source, pattern.flags]).toEqual([expect.not.stringMatching(/(?<!\\)\$|(?<![\\[])\^/), ""]);
    }
    // A self-managed GitLab host is the company's; gitlab.com is everybody's.
    const selfManaged = { ...COMPANY, gitlab: { ...gitlab, host: "git.fixture-corp.test" } };
    expect(
      findLeftovers("x.ts", 'issuer: "https://git.fixture-corp.test",', leftoverPatterns(selfManaged, ENVIRONMENTS)),
    ).toEqual(['x.ts:1: company.gitlab.host: issuer: "https://git.fixture-corp.test",']);
    expect(
      leftoverPatterns({ ...COMPANY, gitlab: { ...gitlab, host: "gitlab.com" } }, ENVIRONMENTS),
    ).not.toContainEqual(expect.objectContaining({ field: "gitlab.host" }));
    // The tests' own fixture service is everywhere in fixtures: a company of that name is checked for the rest.
    const fixture = leftoverPatterns({ ...COMPANY, service: FIXTURE_SERVICE.name }, ENVIRONMENTS, OPTIONS);
    expect(fixture.map((leftover) => leftover.field)).not.toContain("service");
    expect(fixture.map((leftover) => leftover.field)).toContain("domain");
  });

  it.each(COMMON_WORDS)("takes no line of code for a leftover of a company named %s", (word) => {
    const patterns = leftoverPatterns({ ...COMPANY, service: word }, ENVIRONMENTS, OPTIONS).filter(
      (leftover) => leftover.field === "service",
    );
    expect(scan(patterns)).toEqual([]);
  });
});
