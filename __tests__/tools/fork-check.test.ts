/**
 * The fork matrix: every company of tools/forks.ts is valid and shares no
 * value with this repository's; the edits fork:check makes are the ones
 * docs/forking.md names and leave a configuration that validates. The forks
 * themselves (synth and tests in each) run in `npm run fork:check`.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { environments } from "../../environments";
import { loadCompany } from "../../lib/config/company";
import { loadConfiguration } from "../../lib/config/load";
import { runTool } from "../../tools/cli";
import { ID_FLAGS } from "../../tools/env-add";
import { editEnvironments, formatTable, listedEnvironments } from "../../tools/fork-check";
import { FULL_PER_RUN, forksOf, withTests, wordForks } from "../../tools/forks";
import { findLeftovers, leftoverPatterns } from "../../tools/leftovers";
import { npmScriptLine } from "../../tools/npm-script.cjs";
import { COMPANY, SHIPPED_NAMES, shippedEnvironments } from "../helpers/environments";
import { messagesIo } from "../helpers/io";

const ROOT = join(__dirname, "..", "..");
const ORIGINAL = { company: COMPANY, environments: shippedEnvironments() };
const FORKS = forksOf(ORIGINAL);

describe("the fork matrix", () => {
  it("covers common-word services, each cloud alone, two clouds, removed and added environments, GitLab and Cloudflare", () => {
    const services = FORKS.map((fork) => fork.company.service);
    // Run inside one of these forks, the word that is the fork's own service takes a suffix ("web2").
    expect(services.map((service) => service.replace(/2$/, ""))).toEqual(
      expect.arrayContaining(["api", "web", "orders", "app"]),
    );
    expect(new Set(services).size).toBe(FORKS.length);
    for (const cloud of ["aws", "azure", "gcp"]) {
      expect(FORKS.some((fork) => fork.company.clouds.join() === cloud)).toBe(true);
    }
    expect(FORKS.some((fork) => fork.company.clouds.length === 2)).toBe(true);
    expect(FORKS.some((fork) => fork.commands.some(([command]) => command === "env:remove"))).toBe(true);
    expect(FORKS.some((fork) => fork.commands.filter(([command]) => command === "env:add").length >= 5)).toBe(true);
    expect(
      FORKS.some((fork) => fork.company.gitlab.host !== "gitlab.com" && fork.company.gitlab.defaultBranch !== "main"),
    ).toBe(true);
    expect(FORKS.some((fork) => fork.cloudflare !== undefined)).toBe(true);
  });

  it("carries the variations in five forks, each cloud alone, two clouds and all of them", () => {
    const clouds = FORKS.map((fork) => [...fork.company.clouds].sort().join("+"));
    // Run inside a one-cloud fork, the fork with "all" the original's clouds is one more of that cloud alone.
    expect([...new Set(clouds.filter((set) => !set.includes("+")))].sort()).toEqual(["aws", "azure", "gcp"]);
    expect(clouds).toContain([...COMPANY.clouds].sort().join("+"));
    // A fork is a typecheck, a lint, a synth and a jest run: variations on different files share one.
    expect(FORKS).toHaveLength(5);
    const selfManaged = FORKS.filter((fork) => fork.company.gitlab.host !== "gitlab.com");
    const removing = FORKS.filter((fork) => fork.commands.some(([command]) => command === "env:remove"));
    expect([...selfManaged, ...removing].map((fork) => fork.company.clouds.length)).toEqual([1, 1]);
    expect(selfManaged[0]).not.toBe(removing[0]);
    expect(selfManaged[0].company.gitlab.defaultBranch).toBe("trunk");
    // Another Cloudflare account for the production environment, in the fork that adds five environments beside it.
    const cloudflare = FORKS.filter((fork) => fork.cloudflare !== undefined);
    expect(cloudflare.map((fork) => fork.name)).toEqual(["five-envs"]);
    expect(Object.keys(cloudflare[0].cloudflare ?? {})).toEqual([
      ORIGINAL.environments.find((env) => env.deploy.tier === "production")?.name,
    ]);
  });

  it("runs FULL_PER_RUN forks full by default, chosen by the commit, and every fork over successive commits", () => {
    const full = (commit: string) =>
      withTests(FORKS, commit, false)
        .filter((fork) => fork.tests === "full")
        .map((fork) => fork.name);
    const commit = "2c0bf6c1f00dfeed2c0bf6c1f00dfeed2c0bf6c1";
    expect(full(commit)).toHaveLength(Math.min(FULL_PER_RUN, FORKS.length));
    // The same commit, the same choice (a CI rerun checks what the first run checked).
    expect(full(commit)).toEqual(full(commit));
    // 256 commits (their first byte) reach every fork.
    const reached = new Set(
      Array.from({ length: 256 }, (_, i) => full(`${i.toString(16).padStart(2, "0")}${commit.slice(2)}`)).flat(),
    );
    expect([...reached].sort()).toEqual(FORKS.map((fork) => fork.name).sort());
    // --full: every fork; no commit (not a git checkout): still FULL_PER_RUN.
    expect(withTests(FORKS, commit, true).every((fork) => fork.tests === "full")).toBe(true);
    expect(full("")).toHaveLength(Math.min(FULL_PER_RUN, FORKS.length));
  });

  it("forks as a company named after any word given with --service, in its own names and ids", () => {
    const words = wordForks(ORIGINAL, ["data", "main"]);
    expect(words.map((fork) => fork.name)).toEqual(["word-data", "word-main"]);
    // Every id a fork gives (whichever clouds this repository enables): the words' are their own.
    const idsOf = (fork: (typeof FORKS)[number]) => SHIPPED_NAMES.flatMap((env) => Object.values(fork.ids(env)));
    const matrixIds = new Set(FORKS.flatMap(idsOf));
    for (const fork of words) {
      const company = loadCompany(fork.company);
      // Run inside a fork already named after the word, the word takes a suffix ("main2"), as in the matrix.
      const word = fork.name.replace(/^word-/, "");
      const taken = COMPANY.service === word || COMPANY.domain.startsWith(`${word}-corp`);
      expect(company.service).toBe(taken ? `${word}2` : word);
      expect(company.clouds).toEqual(COMPANY.clouds);
      expect(fork.environments).toEqual(SHIPPED_NAMES);
      expect(FORKS.map((other) => other.company.domain)).not.toContain(company.domain);
      expect(idsOf(fork).length).toBeGreaterThanOrEqual(SHIPPED_NAMES.length);
      expect(idsOf(fork).filter((id) => matrixIds.has(id))).toEqual([]);
    }
  });

  it("gives each fork a valid company of its own, with regions only for its clouds", () => {
    const patterns = leftoverPatterns(COMPANY, SHIPPED_NAMES);
    for (const fork of FORKS) {
      const company = loadCompany(fork.company);
      expect([fork.name, Object.keys(company.regions).sort()]).toEqual([fork.name, [...company.clouds].sort()]);
      expect([fork.name, findLeftovers(fork.name, JSON.stringify(fork.company, null, 1), patterns)]).toEqual([
        fork.name,
        [],
      ]);
    }
  });

  it("adds environments with ids of their own, in promotion order", () => {
    const five = FORKS.find((fork) => fork.commands.length >= 5);
    const adds = five?.commands.filter(([command]) => command === "env:add") ?? [];
    const ids = adds.flatMap((argv) =>
      Object.values(ID_FLAGS)
        .filter((id) => argv.includes(id.flag))
        .map((id) => argv[argv.indexOf(id.flag) + 1]),
    );
    expect(ids.length).toBeGreaterThanOrEqual(adds.length);
    expect(new Set(ids).size).toBe(ids.length);
    const added = adds.map((argv) => argv[2]);
    const gate = ORIGINAL.environments.findIndex((env) => env.protect || env.deploy.tier === "production");
    const at = gate < 0 ? SHIPPED_NAMES.length : gate;
    expect(five?.environments).toEqual([...SHIPPED_NAMES.slice(0, at), ...added, ...SHIPPED_NAMES.slice(at)]);
  });

  it.each(FORKS.map((fork) => [fork.name, fork] as const))(
    "edits only environments/ for %s, and the result validates with the fork's ids",
    (_, fork) => {
      const copy = mkdtempSync(join(tmpdir(), "fork-edit-"));
      try {
        cpSync(join(ROOT, "environments"), join(copy, "environments"), { recursive: true });
        editEnvironments(copy, fork);
        // jest compiles the edited TypeScript like the repository's own files.
        const edited = jest.requireActual(
          join(copy, "environments", "index.ts"),
        ) as typeof import("../../environments");
        const { bootstrap } = jest.requireActual(join(copy, "environments", "bootstrap.ts"));
        const { configs } = loadConfiguration(edited.environments, edited.company, bootstrap);
        expect(configs.map((env) => env.company.service)).toEqual(SHIPPED_NAMES.map(() => fork.company.service));
        for (const env of configs) {
          const ids = fork.ids(env.name);
          expect([env.name, env.aws?.accountId, env.azure?.subscriptionId, env.gcp?.project]).toEqual([
            env.name,
            ids.aws,
            ids.azure,
            ids.gcp,
          ]);
          if (fork.cloudflare?.[env.name] !== undefined) {
            expect(env.cloudflare).toMatchObject(fork.cloudflare[env.name]);
          }
        }
        expect(listedEnvironments(readFileSync(join(copy, "environments", "index.ts"), "utf8"))).toEqual(
          Object.keys(environments),
        );
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );

  it("runs the copy's npm scripts as npm does: the script's line, then the arguments after --, quoted", () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(npmScriptLine(scripts, ["synth"])).toBe(scripts.synth);
    expect(npmScriptLine(scripts, ["diagram", "--", "--write"])).toBe(`${scripts.diagram} --write`);
    expect(npmScriptLine(scripts, ["env:add", "--", "qa", "--from", "dev"])).toBe(
      `${scripts["env:add"]} qa --from dev`,
    );
    expect(npmScriptLine({ x: "node x.js" }, ["x", "--", "it's a b", "$HOME"])).toBe(
      `node x.js 'it'\\''s a b' '$HOME'`,
    );
    expect(npmScriptLine(scripts, ["no-such-script"])).toBeUndefined();
  });

  it("prints a table of fork, result, seconds and tests", () => {
    const table = formatTable([
      { fork: "api-aws", ok: true, seconds: 91, tests: "full", problems: [], log: "" },
      { fork: "web-azure", ok: false, seconds: 40, tests: "shaped", problems: ["synth failed"], log: "" },
    ]);
    expect(table.split("\n")).toEqual([
      "fork       result  seconds  tests",
      "api-aws    green   91       full",
      "web-azure  FAILED  40       shaped",
    ]);
  });

  it("lists its forks, and refuses an unknown fork or option with exit 2", async () => {
    const { io, out, err } = messagesIo(ROOT);
    expect(await runTool(["fork:check", "--list"], io)).toBe(0);
    for (const fork of FORKS) expect(out.join("\n")).toContain(fork.name);
    expect(await runTool(["fork:check", "--only", "no-such-fork"], io)).toBe(2);
    expect(err.at(-1)).toContain(`unknown fork no-such-fork; forks: ${FORKS.map((f) => f.name).join(", ")}`);
    expect(await runTool(["fork:check", "--jobs", "0"], io)).toBe(2);
    expect(await runTool(["fork:check", "--fast"], io)).toBe(2);
    expect(await runTool(["fork:check", "--service", "Not A Word"], io)).toBe(2);
    expect(err.at(-1)).toContain("--service Not A Word: a service name is 3-16 lowercase letters");
    out.length = 0;
    expect(await runTool(["fork:check", "--list", "--full", "--service", "data"], io)).toBe(0);
    // "data2" inside a fork whose own service is "data".
    expect(out.join("\n")).toMatch(/^word-data +full +service "data2?"/m);
    expect(err.at(-1)).toContain("\nUsage: npm run fork:check -- [--only <fork>");
  });
});
