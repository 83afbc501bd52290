import { ALL_RULES } from "../../lib/policy";
import { awsCases } from "./cases/aws";
import { awsHardeningCases } from "./cases/aws-hardening";
import { azureCases } from "./cases/azure";
import { azureHardeningCases } from "./cases/azure-hardening";
import { cloudflareCases } from "./cases/cloudflare";
import { commonCases } from "./cases/common";
import { commonHardeningCases } from "./cases/common-hardening";
import { gcpCases } from "./cases/gcp";
import { gcpHardeningCases } from "./cases/gcp-hardening";
import { opsCases } from "./cases/ops";
import type { Build, RuleCase } from "./cases/types";
import { aspectFindings, policyStack } from "./helpers";

const CASES: Record<string, RuleCase[]> = {
  aws: [...awsCases, ...awsHardeningCases],
  azure: [...azureCases, ...azureHardeningCases],
  gcp: [...gcpCases, ...gcpHardeningCases],
  cloudflare: cloudflareCases,
  common: [...commonCases, ...commonHardeningCases],
  ops: opsCases,
};

const list = (builds: Build | readonly Build[]): readonly Build[] =>
  (Array.isArray(builds) ? builds : [builds]) as Build[];

function findingsOf(ruleCase: RuleCase, build: Build) {
  const stack = policyStack({ tags: ruleCase.stack?.tags });
  build(stack);
  return aspectFindings(stack).filter((f) => f.ruleId === ruleCase.rule);
}

describe.each(Object.entries(CASES))("%s rules", (_pack, cases) => {
  describe.each(cases.map((c) => [c.rule, c] as const))("%s", (_id, ruleCase) => {
    it.each(list(ruleCase.fail).map((build, i) => [i, build] as const))("fails case %d", (_i, build) => {
      const findings = findingsOf(ruleCase, build);
      expect(findings).toEqual([expect.objectContaining({ path: ruleCase.path ?? "test/subject" })]);
      expect(findings[0].message).toMatch(/: \S/); // description plus what this block does wrong
    });

    it.each(list(ruleCase.pass).map((build, i) => [i, build] as const))("passes case %d", (_i, build) => {
      expect(findingsOf(ruleCase, build)).toEqual([]);
    });
  });
});

describe("rule catalogue", () => {
  it("has a failing and a passing case for every rule", () => {
    // A rule may have cases in more than one list (its first cases, then mutations found later).
    const covered = [
      ...new Set(
        Object.values(CASES)
          .flat()
          .map((c) => c.rule),
      ),
    ].sort();
    expect(covered).toEqual(ALL_RULES.map((rule) => rule.id).sort());
  });

  it("gives every rule a unique, well-formed id, a description, a fix and a level", () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^(CKV2?_(AWS|AZURE|GCP)_\d+|BP_(AWS|AZ|GCP|CF|COMMON|OPS)_\d+)$/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(["error", "warning"]).toContain(rule.level);
      expect(rule.appliesTo.length).toBeGreaterThan(0);
    }
    expect(ALL_RULES.length).toBeGreaterThanOrEqual(20);
  });
});
