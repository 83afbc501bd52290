import { environments } from "../../environments";
import { loadEnvironments } from "../../lib/config/load";
import { ALL_RULES } from "../../lib/policy";
import { POLICY_USAGE, runPolicy } from "../../lib/policy/cli";
import { environmentInput } from "../helpers/environments";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
}

describe("the shipped environments", () => {
  it("synthesize with zero unsuppressed policy errors: npm run policy exits 0 with a table per environment", () => {
    const { io, out, err } = capture();
    expect(runPolicy([], environments, io)).toBe(0);
    expect(err).toEqual([]);
    const report = out.join("\n");
    for (const env of ["dev", "staging", "prod"]) expect(report).toMatch(new RegExp(`^${env}: 0 errors`, "m"));
    expect(report).toMatch(/^Total: 0 errors, \d+ warnings?, \d+ suppressed$/m);
    // Annotations constructs add themselves (not policy findings) are listed too.
    for (const line of report.split("\n").filter((l) => l.startsWith("  (annotation)"))) {
      expect(line).toMatch(/^ {2}\(annotation\) +(warning|error) +\S/);
    }
  });

  it("protect production and only production", () => {
    expect(loadEnvironments(environments).map((c) => [c.name, c.protect])).toEqual([
      ["dev", false],
      ["staging", false],
      ["prod", true],
    ]);
  });
});

describe("npm run policy", () => {
  it("explains itself with --help", () => {
    const { io, out } = capture();
    expect(runPolicy(["--help"], environments, io)).toBe(0);
    expect(out).toEqual([POLICY_USAGE]);
    expect(POLICY_USAGE).toMatch(/^Usage: npm run policy/);
  });

  it("lists every rule with --rules", () => {
    const { io, out } = capture();
    expect(runPolicy(["--rules"], environments, io)).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(ALL_RULES.length);
    expect(lines).toContainEqual(expect.stringMatching(/^CKV_AWS_51 +error +aws +ECR image tags are immutable$/));
  });

  it("exits 2 on an unknown option or environment", () => {
    const option = capture();
    expect(runPolicy(["--fix"], environments, option.io)).toBe(2);
    expect(option.err[0]).toMatch(/^Unknown option --fix\./);
    const env = capture();
    expect(runPolicy(["qa"], environments, env.io)).toBe(2);
    expect(env.err).toEqual(["Unknown environment qa; known: dev, staging, prod."]);
  });

  it("exits 1 with the config report on an invalid environment", () => {
    const { io, err } = capture();
    expect(runPolicy([], [environmentInput({ name: "dev", clouds: ["oracle"] })], io)).toBe(1);
    expect(err[0]).toContain("dev.clouds.0: is not allowed");
  });
});
