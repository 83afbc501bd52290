/**
 * The policy gate on the real synth path (runSynth, the policy command): the shipped
 * environments plus one extra resource per stack, added at the end of
 * EnvironmentStack's constructor.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { company, environments } from "../../environments";
import { suppress } from "../../lib/policy";
import { EnvironmentStack } from "../../lib/stacks/environment-stack";
import { runSynth } from "../../lib/stacks/synth";
import { runCommand } from "../../tools/command";
import { policyCommand } from "../../tools/policy";
import { everyEnvironmentHas } from "../helpers/clouds";
import { SHIPPED_NAMES } from "../helpers/environments";
import { tree, writeTree } from "../helpers/files";
import { messagesIo } from "../helpers/io";

/**
 * What each case adds to every EnvironmentStack, at the end of its constructor (its last step,
 * addReleaseOutputs, is wrapped while this file runs): a spy on the class, not a replaced module, so
 * this file shares its suite's registry (__tests__/suites/grouping.js).
 */
let extend: (stack: EnvironmentStack) => void = () => {};
let spy: jest.SpyInstance | undefined;
beforeAll(() => {
  const prototype = EnvironmentStack.prototype as unknown as { addReleaseOutputs: (...args: unknown[]) => void };
  const original = prototype.addReleaseOutputs;
  spy = jest.spyOn(prototype, "addReleaseOutputs").mockImplementation(function (this: EnvironmentStack, ...args) {
    original.apply(this, args);
    extend(this);
  });
});
afterAll(() => spy?.mockRestore());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) }, out, err };
}

const mutableRepository = (stack: EnvironmentStack) =>
  new EcrRepository(stack, "repository", {
    name: "policy-test",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: [{ encryptionType: "KMS" }],
  });

// One environment where all three are not the point: each synth of all three costs about a second.
const FIRST = SHIPPED_NAMES[0];
const DEV = { [FIRST]: environments[FIRST as keyof typeof environments] };

/** Warnings dev has on its own (construct notices, say), counted before a case adds its own. */
let baselineWarnings: number;
/** What that synth wrote (helpers/files.ts's tree): the previous output a refused synth must leave alone. */
let baselineFiles: Record<string, string>;
beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), "gate-baseline-"));
  try {
    const { io, out } = capture();
    expect(runSynth(DEV, { outdir: join(work, "out"), company }, io)).toBe(0);
    baselineWarnings = Number(/Policy: 0 errors, (\d+) warnings?/.exec(out.join("\n"))?.[1]);
    baselineFiles = tree(join(work, "out"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 60_000);

// Every case adds an AWS resource (an ECR repository) to every stack: a fork with AWS off somewhere has no provider for it.
const describeWithAws = everyEnvironmentHas("aws") ? describe : describe.skip;
const skipped = everyEnvironmentHas("aws") ? "" : " [skipped: not every environment of this fork enables aws]";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "gate-"));
  extend = () => {};
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describeWithAws(`npm run synth with policy findings${skipped}`, () => {
  it("fails on an unsuppressed error with rule, resource and fix for every environment, and writes nothing", () => {
    const outdir = join(work, "out");
    // The previous output: what dev's synth wrote before this case (the baseline's own synth).
    writeTree(outdir, baselineFiles);
    const before = readFileSync(join(outdir, "stacks", FIRST, "cdk.tf.json"), "utf8");

    extend = mutableRepository;
    const { io, out, err } = capture();
    expect(runSynth(environments, { outdir, company }, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    const message = err[0];
    expect(message).toMatch(
      new RegExp(`^Synth failed: policy check found ${SHIPPED_NAMES.length} errors; nothing was written\\.\n`),
    );
    for (const env of SHIPPED_NAMES) {
      expect(message).toContain(`  CKV_AWS_51 ${env}/repository (aws_ecr_repository.repository)\n`);
    }
    expect(message).toContain("    ECR image tags are immutable: image_tag_mutability is unset (MUTABLE)\n");
    expect(message).toContain('    Fix: set imageTagMutability: "IMMUTABLE"');
    expect(message).toContain('suppress(resource, "<rule id>", "<why this is acceptable here>")');
    expect(message).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(outdir, "stacks", FIRST, "cdk.tf.json"), "utf8")).toBe(before);
    expect(readdirSync(work)).toEqual(["out"]);
  });

  it("cannot be switched off with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", () => {
    extend = mutableRepository;
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
    try {
      expect(runSynth(DEV, { outdir: join(work, "out"), company }, capture().io)).toBe(1);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  it("prints warnings without failing, and keeps this machine's paths out of manifest.json", () => {
    extend = (stack) =>
      new EcrRepository(stack, "repository", { name: "policy-test", imageTagMutability: "IMMUTABLE" });
    const outdir = join(work, "out");
    const { io, out, err } = capture();
    expect(runSynth(DEV, { outdir, company }, io)).toBe(0);
    const warnings = baselineWarnings + 2; // CKV_AWS_163 and CKV_AWS_136
    // After the summary, on stdout: a successful synth writes nothing to stderr.
    expect(err).toEqual([]);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain(`Policy: 0 errors, ${warnings} warnings, 0 suppressed`);
    expect(out[1]).toMatch(
      new RegExp(`^Policy warnings \\(${warnings}, not blocking\\):\n {2}CKV_AWS_163 ${FIRST}/repository`),
    );
    expect(out[1]).toContain("Fix: set imageScanningConfiguration: { scanOnPush: true }");
    const manifest = readFileSync(join(outdir, "manifest.json"), "utf8");
    expect(manifest).toContain("CKV_AWS_163");
    expect(manifest).not.toContain(process.cwd());
  });

  it("passes a suppressed error and records the reason in cdk.tf.json", () => {
    extend = (stack) => suppress(mutableRepository(stack), "CKV_AWS_51", "CI pushes by digest; tags are labels");
    const outdir = join(work, "out");
    const { io, out } = capture();
    expect(runSynth(DEV, { outdir, company }, io)).toBe(0);
    expect(out.join("\n")).toMatch(new RegExp(`Policy: 0 errors, ${baselineWarnings} warnings?, 1 suppressed`));
    const json = JSON.parse(readFileSync(join(outdir, "stacks", FIRST, "cdk.tf.json"), "utf8"));
    expect(json.resource.aws_ecr_repository.repository["//"].policy_suppressions).toEqual({
      CKV_AWS_51: "CI pushes by digest; tags are labels",
    });
  });
});

describeWithAws(`npm run policy with findings${skipped}`, () => {
  it("tables every environment's findings, suppressed ones with their reason, and exits 1 on errors", async () => {
    extend = (stack) => {
      const repository = new EcrRepository(stack, "repository", { name: "policy-test" });
      suppress(repository, "CKV_AWS_136", "public images; AES-256 at rest is enough");
    };
    const { io, out, err } = messagesIo();
    expect(await runCommand(policyCommand(environments, company), [], io)).toBe(1);
    expect(err).toEqual([]);
    const report = out.join("\n");
    expect(report).toMatch(new RegExp(`^${FIRST}: 1 error, \\d+ warnings?, 1 suppressed$`, "m"));
    expect(report).toMatch(/ {2}RULE +LEVEL +RESOURCE +SUPPRESSED\n/);
    expect(report).toMatch(/ {2}CKV_AWS_51 +error +repository +-\n/);
    expect(report).toMatch(/ {2}CKV_AWS_163 +warning +repository +-\n/);
    expect(report).toMatch(
      / {2}CKV_AWS_136 +\(warning\) +repository +suppressed: public images; AES-256 at rest is enough\n/,
    );
    expect(report).toContain(`    CKV_AWS_51 ${SHIPPED_NAMES.at(-1)}/repository (aws_ecr_repository.repository)`);
    const n = SHIPPED_NAMES.length;
    expect(report).toMatch(
      new RegExp(`Total: ${n} errors, \\d+ warnings, ${n} suppressed \\(errors fail \`npm run synth\`\\)$`),
    );
  });

  it("reports only the environments named", async () => {
    extend = mutableRepository;
    const { io, out } = messagesIo();
    const [other, named] = [SHIPPED_NAMES[0], SHIPPED_NAMES.at(-1) as string];
    expect(await runCommand(policyCommand(environments, company), [named], io)).toBe(1);
    expect(out.join("\n")).toMatch(new RegExp(`^${named}: 1 error`));
    expect(out.join("\n")).not.toContain(`${other}:`);
  });
});
