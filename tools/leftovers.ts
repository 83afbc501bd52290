/**
 * What can only be a company value left behind: the patterns the
 * company-values lint looks for in code and tests, and `npm run fork:check`
 * in a fork's stacks and pipeline. A service name may be a common word (`api`,
 * `web`, `orders`), so the word alone is never enough: only the forms the
 * stacks write it in (`<service>-<env>` resource names, `ci-<service>-`
 * identities, a `service: "<service>"` setting, `/<service>:` image paths)
 * and the values no code can hold by chance (domain, GitLab project path,
 * self-managed GitLab host, image, Cloudflare ids).
 */
import type { CompanyConfig } from "../lib/config/company";

/** A company value and the pattern that finds it written out. */
export interface Leftover {
  /** The field of environments/company.ts, e.g. `service` or `cloudflare.accountId`. */
  readonly field: string;
  /** What the pattern looks for, for a message. */
  readonly looksFor: string;
  readonly pattern: RegExp;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Not part of a longer name: no letter, digit, `-` or `.` on the left. */
const START = "(?<![A-Za-z0-9.-])";
/** Not part of a longer name on the right (a `-suffix` may follow a resource prefix). */
const END = "(?![A-Za-z0-9])";

/** GitLab's own host: code names it as a default, so it is never a company leftover. */
const PUBLIC_GITLAB = "gitlab.com";

export interface LeftoverOptions {
  /**
   * Service names tests use for fixtures of their own (not the company's):
   * when the company's service is one of them, its forms are the fixtures'
   * and only the other values are looked for.
   * @default []
   */
  readonly fixtureServices?: readonly string[];
}

/**
 * The patterns that find `company`'s values where only a leftover can be.
 * @param environments - the environment names of environments/index.ts (resource names are `<service>-<env>-...`)
 */
export function leftoverPatterns(
  company: CompanyConfig,
  environments: readonly string[],
  options: LeftoverOptions = {},
): Leftover[] {
  const service = literal(company.service);
  const envs = environments.map(literal).join("|");
  const fixture = (options.fixtureServices ?? []).includes(company.service);
  const services: Leftover[] = [
    {
      field: "service",
      looksFor: `resource names ${company.service}-<env>`,
      pattern: new RegExp(`${START}${service}-(${envs})${END}`),
    },
    { field: "service", looksFor: `CI identities ci-${company.service}-`, pattern: new RegExp(`\\bci-${service}-`) },
    {
      field: "service",
      looksFor: `an image path /${company.service}:`,
      pattern: new RegExp(`/${service}:[A-Za-z0-9]`),
    },
    {
      field: "service",
      looksFor: `a setting service: "${company.service}"`,
      pattern: new RegExp(`\\b(service|serviceName)\\s*[:=]\\s*["'\`]${service}["'\`]`),
    },
  ];
  const found: Leftover[] = [
    ...(fixture ? [] : services),
    {
      field: "domain",
      looksFor: company.domain,
      // A subdomain (`staging.<domain>`) is a leftover too: only a longer label on the left is another name.
      pattern: new RegExp(`(?<![A-Za-z0-9-])${literal(company.domain)}(?![A-Za-z0-9-])`),
    },
    {
      field: "gitlab.projectPath",
      looksFor: company.gitlab.projectPath,
      pattern: new RegExp(`${START}${literal(company.gitlab.projectPath)}(?![A-Za-z0-9_.-])`),
    },
    { field: "containerImage", looksFor: company.containerImage, pattern: new RegExp(literal(company.containerImage)) },
    {
      field: "cloudflare.accountId",
      looksFor: company.cloudflare.accountId,
      pattern: new RegExp(company.cloudflare.accountId),
    },
    { field: "cloudflare.zoneId", looksFor: company.cloudflare.zoneId, pattern: new RegExp(company.cloudflare.zoneId) },
  ];
  if (company.gitlab.host !== PUBLIC_GITLAB) {
    found.push({
      field: "gitlab.host",
      looksFor: company.gitlab.host,
      pattern: new RegExp(`${START}${literal(company.gitlab.host)}(?![A-Za-z0-9-])`),
    });
  }
  return found;
}

/** Every `<path>:<line>: <text>` of `text` where a pattern matches, with the field it names. */
export function findLeftovers(path: string, text: string, patterns: readonly Leftover[]): string[] {
  // Lines only where the whole text matches (most files match nothing: the lint scans every file ~30 times).
  // Exact: no pattern anchors with ^ or $, and their lookarounds and \b take a newline for a line's edge.
  const present = patterns.filter(({ pattern }) => pattern.test(text));
  if (present.length === 0) return [];
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { field, pattern } of present) {
      if (pattern.test(line)) found.push(`${path}:${i + 1}: company.${field}: ${line.trim().slice(0, 160)}`);
    }
  });
  return found;
}
