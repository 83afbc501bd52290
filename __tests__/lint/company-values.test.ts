/**
 * Company values live in environments/company.ts only: code, scripts and tests
 * derive them (or use fixtures of their own), so a fork edits one file. This
 * reads every source file outside environments/ and docs and looks for the
 * values company.ts holds today.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { company } from "../../environments/company";

const ROOT = join(__dirname, "..", "..");
const FOLDERS = ["lib", "app", "ci", "tools", "bin", "bench", "__tests__"];
const FILES = ["main.ts", "cdktf.json", "Dockerfile", "package.json"];
/** Files allowed to name another company: the fork simulation writes one. */
const EXCEPT = new Set(["tools/fork-check.ts"]);
const SOURCE = /\.(ts|cjs|js|json|sh)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sources(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Each company value as it would appear written out, with a name for the message. */
const VALUES: [string, RegExp][] = [
  ["service", new RegExp(`(?<![A-Za-z0-9-])${literal(company.service)}(?![A-Za-z0-9])`)],
  ["domain", new RegExp(`(?<![A-Za-z0-9-])${literal(company.domain)}(?![A-Za-z0-9-])`)],
  ["gitlab.projectPath", new RegExp(literal(company.gitlab.projectPath))],
  ["containerImage", new RegExp(literal(company.containerImage))],
  ["cloudflare.accountId", new RegExp(company.cloudflare.accountId)],
  ["cloudflare.zoneId", new RegExp(company.cloudflare.zoneId)],
];

describe("lint: company values only in environments/company.ts", () => {
  const files = [
    ...FOLDERS.flatMap((folder) => sources(join(ROOT, folder))),
    ...FILES.map((f) => join(ROOT, f)),
  ].filter((file) => !EXCEPT.has(relative(ROOT, file)));

  it("finds source files to read", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(VALUES)("no file repeats company.%s", (_, pattern) => {
    const found = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => [line, i] as const)
        .filter(([line]) => pattern.test(line))
        .map(([line, i]) => `${relative(ROOT, file)}:${i + 1}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
