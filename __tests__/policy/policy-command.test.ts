import { company, environments } from "../../environments";
import { ALL_RULES } from "../../lib/policy";
import { helpOf, runCommand } from "../../tools/command";
import { policyCommand } from "../../tools/policy";
import { environmentInput, filesOf, SHIPPED_NAMES, shippedEnvironments, UNKNOWN_NAME } from "../helpers/environments";
import { messagesIo } from "../helpers/io";

const capture = messagesIo;
/** `npm run policy <args>` in-process over `files` (default: the shipped environments). */
const runPolicy = (args: string[], files: Parameters<typeof policyCommand>[0], io: ReturnType<typeof capture>["io"]) =>
  runCommand(policyCommand(files, company), args, io);

describe("the shipped environments", () => {
  it("synthesize with zero unsuppressed policy errors: npm run policy exits 0 with a table per environment", async () => {
    const { io, out, err } = capture();
    expect(await runPolicy([], environments, io)).toBe(0);
    expect(err).toEqual([]);
    const report = out.join("\n");
    for (const env of SHIPPED_NAMES) expect(report).toMatch(new RegExp(`^${env}: 0 errors`, "m"));
    expect(report).toMatch(/^Total: 0 errors, \d+ warnings?, \d+ suppressed$/m);
    // Annotations constructs add themselves (not policy findings) are listed too.
    for (const line of report.split("\n").filter((l) => l.startsWith("  (annotation)"))) {
      expect(line).toMatch(/^ {2}\(annotation\) +(warning|error) +\S/);
    }
  });

  it("protect production and only production", async () => {
    for (const env of shippedEnvironments())
      expect([env.name, env.protect]).toEqual([env.name, env.deploy.tier === "production"]);
  });
});

describe("npm run policy", () => {
  it("explains itself with --help", async () => {
    const { io, out } = capture();
    expect(await runPolicy(["--help"], environments, io)).toBe(0);
    expect(out).toEqual([helpOf(policyCommand(environments, company))]);
    expect(out[0]).toMatch(/^Usage: npm run policy/);
  });

  it("lists every rule with --rules", async () => {
    const { io, out } = capture();
    expect(await runPolicy(["--rules"], environments, io)).toBe(0);
    const lines = out.join("\n").split("\n");
    expect(lines).toHaveLength(ALL_RULES.length);
    expect(lines).toContainEqual(expect.stringMatching(/^CKV_AWS_51 +error +aws +ECR image tags are immutable$/));
  });

  it("exits 2 on an unknown option or environment", async () => {
    const option = capture();
    expect(await runPolicy(["--fix"], environments, option.io)).toBe(2);
    expect(option.err[0]).toMatch(/^policy: Unknown option '--fix'\nUsage: npm run policy -- /);
    const env = capture();
    expect(await runPolicy([UNKNOWN_NAME], environments, env.io)).toBe(2);
    expect(env.err[0]).toMatch(
      new RegExp(`^policy: unknown environment ${UNKNOWN_NAME}; known: ${SHIPPED_NAMES.join(", ")}\n`),
    );
  });

  it("exits 1 with the config report on an invalid environment", async () => {
    const { io, err } = capture();
    expect(await runPolicy([], filesOf(environmentInput({ name: "dev", clouds: ["oracle"] })), io)).toBe(1);
    expect(err[0]).toContain("environments/dev.ts: dev.clouds.0: is not allowed");
  });
});
