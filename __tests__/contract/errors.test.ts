/**
 * Error codes (lib/contract/errors.ts, docs/errors.md): every refusal in
 * lib/ is a ConstructError with a code of its own, thrown from one place and
 * documented, so a reader can look a code up and a test can tell two
 * refusals apart.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPOSITORY_ROOT } from "../../app/build/repository-root";
import { CONSTRUCT_ERRORS, ConstructError, type ConstructErrorCode } from "../../lib/contract/errors";
import { ALL_RULES } from "../../lib/policy/packs";

const LIB = join(REPOSITORY_ROOT, "lib");
// The Workers' own code (edge router, alert relay) runs in Cloudflare, not at synth: its errors are HTTP answers and log lines.
const WORKERS = [join(LIB, "edge", "worker"), join(LIB, "relay", "worker")];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return WORKERS.includes(path) ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const files = sources(LIB).map((path) => ({ file: relative(REPOSITORY_ROOT, path), text: readFileSync(path, "utf8") }));
const CODE = /"(BPE_[A-Z]+_\d+)"/g;
/** Where each code appears in lib/, outside the table that defines it. */
const uses = files
  .filter(({ file }) => file !== join("lib", "contract", "errors.ts"))
  .flatMap(({ file, text }) => [...text.matchAll(CODE)].map((m) => ({ code: m[1], file })));
const codes = Object.keys(CONSTRUCT_ERRORS) as ConstructErrorCode[];

describe("construct error codes", () => {
  it("are thrown each from exactly one place in lib/", () => {
    const counts = Object.fromEntries(codes.map((code) => [code, uses.filter((u) => u.code === code).length]));
    expect(Object.entries(counts).filter(([, n]) => n !== 1)).toEqual([]);
    // And no code is used that the table does not define.
    expect(uses.map((u) => u.code).filter((code) => !(code in CONSTRUCT_ERRORS))).toEqual([]);
  });

  it("leave no plain Error thrown in lib/", () => {
    const plain = files.filter(({ text }) => /throw new Error\(/.test(text)).map(({ file }) => file);
    expect(plain).toEqual([]);
  });

  it("are documented in docs/errors.md, each with where it is thrown and what it means", () => {
    const page = readFileSync(join(REPOSITORY_ROOT, "docs", "errors.md"), "utf8");
    const rows = [...page.matchAll(/^\| `(BPE_[A-Z]+_\d+)` \| `([^`]+)` \| (.+) \|$/gm)].map((m) => ({
      code: m[1],
      file: m[2],
      means: m[3],
    }));
    expect(rows.map((r) => r.code)).toEqual(codes);
    for (const row of rows) {
      expect(row).toEqual({
        code: row.code,
        file: uses.find((u) => u.code === row.code)?.file,
        means: CONSTRUCT_ERRORS[row.code as ConstructErrorCode],
      });
    }
  });

  it("never read as a policy rule id", () => {
    const ruleIds = new Set<string>(ALL_RULES.map((rule) => rule.id));
    expect(codes.filter((code) => ruleIds.has(code))).toEqual([]);
  });

  it("start the message, before the construct's path and every problem", () => {
    const one = new ConstructError("BPE_AWS_6", undefined, '"x" is not an IPv4 CIDR');
    expect(one.message).toBe('[BPE_AWS_6] "x" is not an IPv4 CIDR');
    expect(one.problems).toEqual(['"x" is not an IPv4 CIDR']);
    const many = new ConstructError("BPE_SPEC_1", "staging/aws-function", ["a: wrong", "b: wrong"]);
    expect(many.message).toBe("[BPE_SPEC_1] staging/aws-function: 2 problems:\n  - a: wrong\n  - b: wrong");
    expect(many).toMatchObject({ code: "BPE_SPEC_1", constructPath: "staging/aws-function" });
  });
});
