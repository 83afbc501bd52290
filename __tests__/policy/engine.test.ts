import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { AnnotationMetadataEntryType, Aspects, TerraformStack, Testing } from "cdktf";
import { Construct, type IConstruct } from "constructs";
import { type RuleId, suppress } from "../../lib/policy";
import { INVALID_SUPPRESSION, PolicyAspect, policyFindings } from "../../lib/policy/engine";
import { defineRule } from "../../lib/policy/rule";
import { testApp } from "../helpers/environments";
import { checkStack, policyStack } from "./helpers";

const annotations = (node: IConstruct, type: string) =>
  node.node.metadata.filter((entry) => entry.type === type).map((entry) => String(entry.data));
const errorsOf = (node: IConstruct) => annotations(node, AnnotationMetadataEntryType.ERROR);
const warningsOf = (node: IConstruct) => annotations(node, AnnotationMetadataEntryType.WARN);

/** A mutable, unscanned, AES-encrypted repository: CKV_AWS_51 (error), CKV_AWS_163 and CKV_AWS_136 (warnings). */
const repository = (scope: Construct, id = "subject") => new EcrRepository(scope, id, { name: id });

/** The stack's cdk.tf.json as written by a real synth, `//` metadata included. */
function writtenJson(stack: TerraformStack): { resource: Record<string, Record<string, Record<string, unknown>>> } {
  const outdir = Testing.fullSynth(stack);
  try {
    return JSON.parse(readFileSync(join(outdir, "stacks", "test", "cdk.tf.json"), "utf8"));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("PolicyAspect", () => {
  it("turns an error finding into an error annotation naming rule, fix and Terraform address", () => {
    const stack = policyStack();
    const subject = repository(stack);
    checkStack(stack);
    expect(errorsOf(subject)).toEqual([
      'CKV_AWS_51 ECR image tags are immutable: image_tag_mutability is unset (MUTABLE). Fix: set imageTagMutability: "IMMUTABLE" (image_tag_mutability) so a tag always names the image that was reviewed. (aws_ecr_repository.subject)',
    ]);
  });

  it("turns a warning finding into a warning annotation", () => {
    const stack = policyStack();
    const subject = repository(stack);
    checkStack(stack);
    expect(
      warningsOf(subject)
        .map((w) => w.split(" ")[0])
        .sort(),
    ).toEqual(["CKV_AWS_136", "CKV_AWS_163"]);
  });

  it("reports once when the same tree is synthesized twice", () => {
    const stack = policyStack();
    repository(stack);
    checkStack(stack);
    const { findings } = checkStack(stack);
    expect(findings.map((f) => f.ruleId).sort()).toEqual(["CKV_AWS_136", "CKV_AWS_163", "CKV_AWS_51"]);
  });

  it("reports a rule that throws as a finding of that rule instead of crashing synth", () => {
    const broken = defineRule({
      id: "BP_TEST_1",
      description: "A rule with a bug",
      fix: "fix the rule",
      level: "error",
      appliesTo: ["aws_ecr_repository"],
      check: () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    const stack = new TerraformStack(testApp(), "test");
    Aspects.of(stack).add(new PolicyAspect({ rules: [broken] }));
    repository(stack);
    Testing.synth(stack);
    expect(policyFindings(stack)).toEqual([
      expect.objectContaining({
        ruleId: "BP_TEST_1",
        path: "test/subject",
        message: expect.stringContaining("could not check this block (cannot read properties of undefined)"),
      }),
    ]);
  });

  it("runs after the tags aspect, so Azure resources are judged with their standard tags", () => {
    const stack = policyStack();
    new ResourceGroup(stack, "subject", { name: "rg", location: "westeurope" });
    expect(checkStack(stack).findings).toEqual([]);
  });
});

describe("suppressions", () => {
  it("accepts a finding with a reason: no annotation, the reason in the finding and in cdk.tf.json", () => {
    const stack = policyStack();
    const subject = repository(stack);
    suppress(subject, "CKV_AWS_51", "release tooling retags :latest; digests are pinned by CI");
    const { findings } = checkStack(stack);
    expect(findings.find((f) => f.ruleId === "CKV_AWS_51")).toEqual(
      expect.objectContaining({ suppressedBecause: "release tooling retags :latest; digests are pinned by CI" }),
    );
    expect(errorsOf(subject)).toEqual([]);
    expect(writtenJson(stack).resource.aws_ecr_repository.subject["//"]).toEqual(
      expect.objectContaining({
        policy_suppressions: { CKV_AWS_51: "release tooling retags :latest; digests are pinned by CI" },
      }),
    );
  });

  it("applies a suppression on a parent construct to every resource under it", () => {
    const stack = policyStack();
    const target = new Construct(stack, "target");
    repository(target, "one");
    repository(target, "two");
    suppress(target, "CKV_AWS_136", "images are public anyway; AES-256 at rest is enough");
    const { findings } = checkStack(stack);
    const kms = findings.filter((f) => f.ruleId === "CKV_AWS_136");
    expect(kms.map((f) => [f.path, f.suppressedBecause])).toEqual([
      ["test/target/one", "images are public anyway; AES-256 at rest is enough"],
      ["test/target/two", "images are public anyway; AES-256 at rest is enough"],
    ]);
  });

  it.each([
    ["no reason", "CKV_AWS_51", ""],
    ["a reason under 10 characters", "CKV_AWS_51", "  because "],
  ])("rejects a suppression with %s, and the finding stays open", (_case, ruleId, reason) => {
    const stack = policyStack();
    const subject = repository(stack);
    suppress(subject, ruleId as RuleId, reason);
    const { findings } = checkStack(stack);
    expect(findings.find((f) => f.ruleId === INVALID_SUPPRESSION)).toEqual(
      expect.objectContaining({
        level: "error",
        path: "test/subject",
        message: expect.stringContaining("at least 10"),
      }),
    );
    expect(findings.find((f) => f.ruleId === "CKV_AWS_51")?.suppressedBecause).toBeUndefined();
    expect(errorsOf(subject)).toHaveLength(2);
  });

  it("rejects a suppression of a rule that does not exist", () => {
    const stack = policyStack();
    const subject = repository(stack);
    suppress(subject, "CKV_AWS_5100" as RuleId, "a long enough reason, but no such rule");
    const { findings } = checkStack(stack);
    expect(findings.find((f) => f.ruleId === INVALID_SUPPRESSION)?.message).toContain(
      'suppresses "CKV_AWS_5100", which is not a policy rule',
    );
  });
});
