import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { ADDRESSES_DIR } from "../../tools/addresses";
import { envAddCommand, envRemoveCommand, runTool, TOOLS } from "../../tools/cli";
import { helpOf } from "../../tools/command";
import {
  type CloudIds,
  EnvAddError,
  envAdd,
  envAddEdits,
  ID_FLAGS,
  identifierOf,
  placeBefore,
} from "../../tools/env-add";
import { EnvRemoveError, envRemove } from "../../tools/env-remove";
import { environmentConfig, SHIPPED_NAMES, shippedEnvironments } from "../helpers/environments";
import { messagesIo } from "../helpers/io";

const ROOT = join(__dirname, "..", "..");
const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
/** A name the shipped configuration does not use, for the environment being added. */
const NEW = ["qa", "qa-two", "zz-added"].find((name) => !SHIPPED_NAMES.includes(name)) as string;
const SHIPPED = shippedEnvironments();
/** The first environment that does not serve on the root domain (a production-tier copy would collide). */
const FROM_CONFIG = SHIPPED.find((env) => env.deploy.tier !== "production") ?? SHIPPED[0];
const FROM = FROM_CONFIG.name;
const INPUTS = { files: environments, company, bootstrap };
/** Ids of the new environment's own accounts, for every cloud its source enables. */
const FIXTURE_IDS: Required<CloudIds> = {
  aws: "444455556666",
  azure: "00000000-0000-0000-0000-0000000000ad",
  gcp: "fixture-added-000009",
};
const IDS: CloudIds = Object.fromEntries(FROM_CONFIG.clouds.map((cloud) => [cloud, FIXTURE_IDS[cloud]]));
const REQUEST = { from: FROM, ids: IDS };

/** environments/ and .gitlab-ci.yml of this repository in a temporary root. */
function sandbox(): string {
  const root = mkdtempSync(join(tmpdir(), "env-add-"));
  mkdirSync(join(root, "environments"));
  cpSync(join(ROOT, "environments"), join(root, "environments"), { recursive: true });
  cpSync(join(ROOT, ".gitlab-ci.yml"), join(root, ".gitlab-ci.yml"));
  return root;
}

function snapshotOf(root: string): Record<string, string> {
  const files: Record<string, string> = { ".gitlab-ci.yml": read(root, ".gitlab-ci.yml") };
  for (const name of readdirSync(join(root, "environments"))) files[name] = read(root, join("environments", name));
  return files;
}

/** The names listed in `export const environments = { ... }` of index.ts, in order. */
function listed(index: string): string[] {
  const list = /export const environments = \{([^}]*)\}/.exec(index)?.[1] ?? "";
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => (entry.includes(":") ? JSON.parse(entry.split(":")[0]) : entry));
}

describe("env:add", () => {
  let root: string;
  beforeEach(() => {
    root = sandbox();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("writes the copy with its own ids, lists it in index.ts and bootstrap.ts, and regenerates the pipeline", () => {
    const written = envAdd(root, NEW, REQUEST, INPUTS);
    expect(written.sort()).toEqual(
      [".gitlab-ci.yml", "environments/bootstrap.ts", "environments/index.ts", `environments/${NEW}.ts`].sort(),
    );
    const file = read(root, `environments/${NEW}.ts`);
    expect(file).toContain(`export const ${identifierOf(NEW)} = {`);
    expect(file).toContain(`name: "${NEW}",`);
    expect(file).not.toContain(`name: "${FROM}",`);
    for (const cloud of FROM_CONFIG.clouds) {
      expect(file).toContain(`${ID_FLAGS[cloud].field}: "${FIXTURE_IDS[cloud]}"`);
      const copied = {
        aws: FROM_CONFIG.aws?.accountId,
        azure: FROM_CONFIG.azure?.subscriptionId,
        gcp: FROM_CONFIG.gcp?.project,
      };
      expect(file).not.toContain(`"${copied[cloud]}"`);
    }
    const index = read(root, "environments/index.ts");
    expect(index).toContain(`import { ${identifierOf(NEW)} } from "./${NEW}";`);
    expect(listed(index)).toContain(NEW);
    expect(read(root, "environments/bootstrap.ts")).toMatch(new RegExp(`\\n\\s+"?${NEW}"?: \\{\\},\\n`));
    const pipeline = read(root, ".gitlab-ci.yml");
    expect(pipeline).toContain(`deploy:${NEW}:`);
    expect(pipeline).toContain(`plan:${NEW}:`);
  });

  it("places the new environment in promotion order: before the first protected or production tier, or after --after", () => {
    const gate = SHIPPED.find((env) => env.protect || env.deploy.tier === "production");
    envAdd(root, NEW, REQUEST, INPUTS);
    const order = listed(read(root, "environments/index.ts"));
    const expected = [...SHIPPED_NAMES];
    expected.splice(gate === undefined ? expected.length : expected.indexOf(gate.name), 0, NEW);
    expect(order).toEqual(expected);
    // bootstrap.ts lists it in the same place.
    const keys = [...read(root, "environments/bootstrap.ts").matchAll(/^ {4}"?([a-z][a-z0-9-]*)"?: \{/gm)].map(
      (m) => m[1],
    );
    expect(keys.filter((key) => order.includes(key))).toEqual(expected);

    const after = sandbox();
    try {
      envAdd(after, NEW, { ...REQUEST, after: SHIPPED_NAMES[0] }, INPUTS);
      expect(listed(read(after, "environments/index.ts"))).toEqual([SHIPPED_NAMES[0], NEW, ...SHIPPED_NAMES.slice(1)]);
    } finally {
      rmSync(after, { recursive: true, force: true });
    }
  });

  it("decides the place from tiers and protection, whatever the names", () => {
    const env = (name: string, tier: string, protect = false) =>
      environmentConfig({
        name,
        deploy: { gate: "auto", tier },
        protect,
        cloudflare: { domain: `${name}.fixture.test` },
      });
    const configs = [env("one", "development"), env("two", "staging"), env("three", "production", true)];
    expect(placeBefore(configs)).toBe("three");
    expect(placeBefore(configs, "one")).toBe("two");
    expect(placeBefore(configs, "three")).toBeUndefined();
    expect(placeBefore(configs.slice(0, 2))).toBeUndefined();
    expect(placeBefore([env("aa", "development"), env("bb", "staging", true)])).toBe("bb");
  });

  it("refuses to run without the ids of every cloud the copy enables, naming the flags, and writes nothing", () => {
    const before = snapshotOf(root);
    const flags = FROM_CONFIG.clouds.map((cloud) => ID_FLAGS[cloud].flag);
    expect(() => envAdd(root, NEW, { from: FROM }, INPUTS)).toThrow(
      new RegExp(
        `"${NEW}" enables ${FROM_CONFIG.clouds.join(", ")} \\(as "${FROM}" does\\): give its own ${flags[0]} `,
      ),
    );
    expect(() => envAdd(root, NEW, { from: FROM }, INPUTS)).toThrow(`env:add never reuses "${FROM}"'s ids`);
    const off = (["aws", "azure", "gcp"] as const).find((cloud) => !FROM_CONFIG.clouds.includes(cloud));
    if (off !== undefined) {
      expect(() => envAdd(root, NEW, { from: FROM, ids: { ...IDS, [off]: FIXTURE_IDS[off] } }, INPUTS)).toThrow(
        `${ID_FLAGS[off].flag}: "${NEW}" does not enable ${off}`,
      );
    }
    // A malformed id is the schema's to name, with the new file's field.
    const [cloud] = FROM_CONFIG.clouds;
    expect(() => envAdd(root, NEW, { from: FROM, ids: { ...IDS, [cloud]: "x" } }, INPUTS)).toThrow(
      `environments/${NEW}.ts: ${NEW}.${cloud}.${ID_FLAGS[cloud].field}: must be`,
    );
    expect(snapshotOf(root)).toEqual(before);
  });

  it("keeps the imports sorted and quotes a hyphenated name", () => {
    const texts = {
      index: read(ROOT, "environments/index.ts"),
      bootstrap: read(ROOT, "environments/bootstrap.ts"),
      from: read(ROOT, `environments/${FROM}.ts`),
    };
    const edits = envAddEdits(texts, "aa-first", FROM);
    const imports = edits["environments/index.ts"].match(/^import \{ \w+ \} from "\.\/[a-z0-9-]+";$/gm) ?? [];
    expect(imports[0]).toBe('import { aaFirst } from "./aa-first";');
    expect(edits["environments/index.ts"]).toContain('"aa-first": aaFirst');
    expect(edits["environments/bootstrap.ts"]).toContain('"aa-first": {},');
  });

  it.each([
    ["Bad Name", /"Bad Name" is not a valid environment name/],
    ["company", /"company" is reserved for environments\/company\.ts/],
  ])("refuses the name %s and writes nothing", (name, message) => {
    const before = snapshotOf(root);
    expect(() => envAdd(root, name, REQUEST, INPUTS)).toThrow(message);
    expect(snapshotOf(root)).toEqual(before);
  });

  it("refuses an existing name, an unknown source or --after, naming the file and the known environments", () => {
    const before = snapshotOf(root);
    expect(() => envAdd(root, FROM, REQUEST, INPUTS)).toThrow(
      new RegExp(`environment "${FROM}" exists already \\(environments/${FROM}\\.ts\\)`),
    );
    expect(() => envAdd(root, NEW, { ...REQUEST, from: `${NEW}-source` }, INPUTS)).toThrow(
      `--from "${NEW}-source" is not an environment of environments/index.ts; known: ${SHIPPED_NAMES.join(", ")}`,
    );
    expect(() => envAdd(root, NEW, { ...REQUEST, after: `${NEW}-x` }, INPUTS)).toThrow(
      `--after "${NEW}-x" is not an environment of environments/index.ts; known: ${SHIPPED_NAMES.join(", ")}`,
    );
    expect(snapshotOf(root)).toEqual(before);
  });

  it("refuses a copy that would not validate (a production-tier copy takes the root domain) and writes nothing", () => {
    const production = SHIPPED.find((env) => env.deploy.tier === "production");
    if (production === undefined) return; // a fork without a production tier has nothing to collide with
    const ids = Object.fromEntries(production.clouds.map((cloud) => [cloud, FIXTURE_IDS[cloud]]));
    const before = snapshotOf(root);
    let error: unknown;
    try {
      envAdd(root, NEW, { from: production.name, ids }, INPUTS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvAddError);
    expect(String(error)).toMatch(
      new RegExp(`cloudflare\\.domain: "${production.cloudflare.domain}" is also the domain of environments/`),
    );
    expect(String(error)).toContain(`environments/${NEW}.ts`);
    expect(snapshotOf(root)).toEqual(before);
  });

  it("explains itself with --help and refuses bad usage with exit 2", async () => {
    const { io, out, err } = messagesIo(root);
    expect(await runTool(["env:add", "--help"], io)).toBe(0);
    expect(out).toEqual([helpOf(envAddCommand, TOOLS)]);
    expect(out[0]).toMatch(/^Usage: npm run env:add -- <name> --from <env>/);
    expect(await runTool(["env:add", NEW], io)).toBe(2);
    expect(err[0]).toMatch(/^env:add: --from <env> is required\nUsage: npm run env:add -- <name> --from <env>/);
    expect(await runTool(["env:add", "Bad Name", "--from", FROM], io)).toBe(1);
    expect(err[1]).toMatch(/^env:add: "Bad Name" is not a valid environment name/);
    expect(await runTool(["env:add", NEW, "--from", FROM, "--aws-acount", "1"], io)).toBe(2);
    expect(err[2]).toMatch(/^env:add: Unknown option '--aws-acount'/);
    expect(err[2]).toContain("\nUsage: npm run env:add -- ");
    // The flags env:add's messages name are the ones it parses.
    const flags = Object.values(ID_FLAGS).map((id) => id.flag);
    for (const flag of flags) expect(out[0]).toContain(`${flag} <id>`);
    const ids = FROM_CONFIG.clouds.flatMap((cloud) => [ID_FLAGS[cloud].flag, FIXTURE_IDS[cloud]]);
    expect(await runTool(["env:add", NEW, "--from", FROM, ...ids], io)).toBe(0);
    expect(existsSync(join(root, "environments", `${NEW}.ts`))).toBe(true);
  });
});

describe("env:remove", () => {
  let root: string;
  beforeEach(() => {
    root = sandbox();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const inputs = { ...INPUTS, sources: [] };

  it("removes the file, its import and entry, its bootstrap entry, its recorded addresses, and its pipeline jobs", () => {
    const [name] = SHIPPED_NAMES;
    const recorded = join(ADDRESSES_DIR, `${name}.txt`);
    mkdirSync(join(root, ADDRESSES_DIR), { recursive: true });
    writeFileSync(join(root, recorded), "recorded\n");
    const changed = envRemove(root, name, inputs);
    expect(changed).toEqual([
      `environments/${name}.ts (deleted)`,
      "environments/index.ts",
      "environments/bootstrap.ts",
      ".gitlab-ci.yml",
      `${recorded} (deleted)`,
    ]);
    expect(existsSync(join(root, recorded))).toBe(false);
    expect(existsSync(join(root, "environments", `${name}.ts`))).toBe(false);
    const index = read(root, "environments/index.ts");
    expect(listed(index)).toEqual(SHIPPED_NAMES.slice(1));
    expect(index).not.toContain(`"./${name}"`);
    expect(read(root, "environments/bootstrap.ts")).not.toMatch(new RegExp(`^\\s+"?${name}"?:`, "m"));
    const pipeline = read(root, ".gitlab-ci.yml");
    expect(pipeline).not.toMatch(new RegExp(`^[a-z-]+:${name}:`, "m"));
    expect(pipeline).toMatch(new RegExp(`^deploy:${SHIPPED_NAMES[1]}:`, "m"));
  });

  it("is the inverse of env:add", () => {
    const before = snapshotOf(root);
    envAdd(root, NEW, REQUEST, INPUTS);
    const files = {
      ...environments,
      [NEW]: { ...structuredClone(environments[FROM as keyof typeof environments]), name: NEW },
    };
    const withNew = {
      ...INPUTS,
      files,
      bootstrap: { ...bootstrap, environments: { ...bootstrap.environments, [NEW]: {} } },
    };
    envRemove(root, NEW, { ...withNew, sources: [] });
    expect(snapshotOf(root)).toEqual(before);
  });

  it("refuses an unknown name, the last environment, and one another file imports; changes nothing", () => {
    const before = snapshotOf(root);
    expect(() => envRemove(root, NEW, inputs)).toThrow(
      `"${NEW}" is not an environment of environments/index.ts; known: ${SHIPPED_NAMES.join(", ")}`,
    );
    const [only] = SHIPPED_NAMES;
    const one = { ...inputs, files: { [only]: environments[only as keyof typeof environments] } };
    expect(() => envRemove(root, only, one)).toThrow(`"${only}" is the only environment; add another first`);
    const sources = [{ path: "bench/uses.ts", text: `import { x } from "../environments/${only}";\n` }];
    expect(() => envRemove(root, only, { ...inputs, sources })).toThrow(
      `environments/${only}.ts is still imported by bench/uses.ts; change it first`,
    );
    expect(snapshotOf(root)).toEqual(before);
    let error: unknown;
    try {
      envRemove(root, only, one);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvRemoveError);
  });

  it("explains itself with --help and refuses bad usage with exit 2", async () => {
    const { io, out, err } = messagesIo(root);
    expect(await runTool(["env:remove", "--help"], io)).toBe(0);
    expect(out).toEqual([helpOf(envRemoveCommand, TOOLS)]);
    expect(await runTool(["env:remove"], io)).toBe(2);
    expect(err[0]).toMatch(/^env:remove: expected one <name>/);
    expect(await runTool(["env:remove", NEW], io)).toBe(1);
    expect(err[1]).toMatch(new RegExp(`^env:remove: "${NEW}" is not an environment`));
  });
});
