import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { company, environments } from "../../environments";
import { bootstrap } from "../../environments/bootstrap";
import { runTool } from "../../tools/cli";
import { ENV_ADD_USAGE, EnvAddError, envAdd, envAddEdits, identifierOf } from "../../tools/env-add";
import { SHIPPED_NAMES, shippedEnvironments } from "../helpers/environments";

const ROOT = join(__dirname, "..", "..");
const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
/** A name the shipped configuration does not use, for the environment being added. */
const NEW = ["qa", "qa-two", "zz-added"].find((name) => !SHIPPED_NAMES.includes(name)) as string;
/** The first environment that does not serve on the root domain (a production-tier copy would collide). */
const FROM = (shippedEnvironments().find((env) => env.deploy.tier !== "production") ?? shippedEnvironments()[0]).name;
const INPUTS = { files: environments, company, bootstrap };

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

describe("env:add", () => {
  let root: string;
  beforeEach(() => {
    root = sandbox();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("writes the copy, lists it after its source in index.ts and bootstrap.ts, and regenerates the pipeline", () => {
    const written = envAdd(root, NEW, FROM, INPUTS);
    expect(written.sort()).toEqual(
      [".gitlab-ci.yml", "environments/bootstrap.ts", "environments/index.ts", `environments/${NEW}.ts`].sort(),
    );
    const file = read(root, `environments/${NEW}.ts`);
    expect(file).toContain(`export const ${identifierOf(NEW)} = {`);
    expect(file).toContain(`name: "${NEW}",`);
    expect(file).not.toContain(`name: "${FROM}",`);
    const index = read(root, "environments/index.ts");
    expect(index).toContain(`import { ${identifierOf(NEW)} } from "./${NEW}";`);
    const listed = /export const environments = \{([^}]*)\}/
      .exec(index)?.[1]
      .split(",")
      .map((e) => e.trim());
    expect(listed?.[(listed?.indexOf(identifierOf(FROM)) ?? -2) + 1]).toMatch(new RegExp(`${identifierOf(NEW)}$`));
    expect(read(root, "environments/bootstrap.ts")).toMatch(new RegExp(`\\n\\s+"?${NEW}"?: \\{\\},\\n`));
    const pipeline = read(root, ".gitlab-ci.yml");
    expect(pipeline).toContain(`deploy:${NEW}:`);
    expect(pipeline).toContain(`plan:${NEW}:`);
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
    expect(() => envAdd(root, name, FROM, INPUTS)).toThrow(message);
    expect(snapshotOf(root)).toEqual(before);
  });

  it("refuses an existing name or an unknown source, naming the file and the known environments", () => {
    const before = snapshotOf(root);
    expect(() => envAdd(root, FROM, FROM, INPUTS)).toThrow(
      new RegExp(`environment "${FROM}" exists already \\(environments/${FROM}\\.ts\\)`),
    );
    expect(() => envAdd(root, NEW, `${NEW}-source`, INPUTS)).toThrow(
      `--from "${NEW}-source" is not an environment of environments/index.ts; known: ${SHIPPED_NAMES.join(", ")}`,
    );
    expect(snapshotOf(root)).toEqual(before);
  });

  it("refuses a copy that would not validate (a production-tier copy takes the root domain) and writes nothing", () => {
    const production = shippedEnvironments().find((env) => env.deploy.tier === "production");
    if (production === undefined) return; // a fork without a production tier has nothing to collide with
    const before = snapshotOf(root);
    let error: unknown;
    try {
      envAdd(root, NEW, production.name, INPUTS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvAddError);
    expect(String(error)).toContain(
      `environments/${NEW}.ts: ${NEW}.cloudflare.domain: "${production.cloudflare.domain}"`,
    );
    expect(snapshotOf(root)).toEqual(before);
  });

  it("explains itself with --help and refuses bad usage with exit 2", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { log: (m: string) => out.push(m), error: (m: string) => err.push(m) };
    expect(await runTool(["env:add", "--help"], io, root)).toBe(0);
    expect(out).toEqual([ENV_ADD_USAGE]);
    expect(await runTool(["env:add", NEW], io, root)).toBe(2);
    expect(err[0]).toMatch(/^env:add: expected one <name> and --from <env>/);
    expect(await runTool(["env:add", "Bad Name", "--from", FROM], io, root)).toBe(1);
    expect(err[1]).toMatch(/^env:add: "Bad Name" is not a valid environment name/);
  });
});
