import { company, environments } from "../../environments";
import { ALL_RULES } from "../../lib/policy";
import { POLICY_USAGE, runPolicy } from "../../tools/policy";
import { environmentInput, filesOf, SHIPPED_NAMES, shippedEnvironments, UNKNOWN_NAME } from "../helpers/environments";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
}

describe("the shipped environments", () => {
  it("synthesize with zero unsuppressed policy errors: npm run policy exits 0 with a table per environment", () => {
    const { io, out, err } = capture();
    expect(runPolicy([], environments, company, io)).toBe(0);
    expect(err).toEqual([]);
    const report = out.join("\n");
    for (const env of SHIPPED_NAMES) expect(report).toMatch(new RegExp(`^${env}: 0 errors`, "m"));
    expect(report).toMatch(/^Total: 0 errors, \d+ warnings?, \d+ suppressed$/m);
    // Annotations constructs add themselves (not policy findings) are listed too.
    for (const line of report.split("\n").filter((l) => l.startsWith("  (annotation)"))) {
      expect(line).toMatch(/^ {2}\(annotation\) +(warning|error) +\S/);
    }
  });

  it("protect production and only production", () => {
    for (const env of shippedEnvironments())
      expect([env.name, env.protect]).toEqual([env.name, env.deploy.tier === "production"]);
  });
});

describe("npm run policy", () => {
  it("explains itself with --help", () => {
    const { io, out } = capture();
    expect(runPolicy(["--help"], environments, company, io)).toBe(0);
    expect(out).toEqual([POLICY_USAGE]);
    expect(POLICY_USAGE).toMatch(/^Usage: npm run policy/);
  });

  it("lists every rule with --rules", () => {
    const { io, out } = capture();
    expect(runPolicy(["--rules"], environments, company, io)).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(ALL_RULES.length);
    expect(lines).toContainEqual(expect.stringMatching(/^CKV_AWS_51 +error +aws +ECR image tags are immutable$/));
  });

  it("exits 2 on an unknown option or environment", () => {
    const option = capture();
    expect(runPolicy(["--fix"], environments, company, option.io)).toBe(2);
    expect(option.err[0]).toMatch(/^Unknown option --fix\./);
    const env = capture();
    expect(runPolicy([UNKNOWN_NAME], environments, company, env.io)).toBe(2);
    expect(env.err).toEqual([`Unknown environment ${UNKNOWN_NAME}; known: ${SHIPPED_NAMES.join(", ")}.`]);
  });

  it("exits 1 with the config report on an invalid environment", () => {
    const { io, err } = capture();
    expect(runPolicy([], filesOf(environmentInput({ name: "dev", clouds: ["oracle"] })), company, io)).toBe(1);
    expect(err[0]).toContain("environments/dev.ts: dev.clouds.0: is not allowed");
  });
});
