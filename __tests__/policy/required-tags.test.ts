import type { RuleInput } from "../../lib/policy/rule";
import { awsRequiredTags } from "../../lib/policy/rules/aws/bp-aws-1-required-tags";
import { azureRequiredTags } from "../../lib/policy/rules/azure/bp-az-1-required-tags";
import { gcpRequiredLabels } from "../../lib/policy/rules/gcp/bp-gcp-1-required-labels";
import { REQUIRED_TAG_KEYS } from "../../lib/policy/tags";

/** A block as the engine hands it over: `accepts` answers from the schema attributes named. */
function input(
  attributes: Record<string, unknown>,
  schema: readonly string[],
  provider?: Record<string, unknown>,
): RuleInput {
  return {
    type: "test_resource",
    attributes,
    accepts: (attribute) => schema.includes(attribute),
    provider,
    expression: (value) => String(value),
  };
}

const all = Object.fromEntries(REQUIRED_TAG_KEYS.map((key) => [key, "x"]));
const [first, ...rest] = REQUIRED_TAG_KEYS;
const allButFirst = Object.fromEntries(rest.map((key) => [key, "x"]));

describe("the required-tags check behind BP_AWS_1, BP_AZ_1 and BP_GCP_1", () => {
  it("counts the AWS provider's default_tags, and names what neither has", () => {
    const schema = ["tags", "tags_all"];
    const defaults = { default_tags: [{ tags: allButFirst }] };
    expect(awsRequiredTags.check(input({ tags: { [first]: "x" } }, schema, defaults))).toBeUndefined();
    expect(awsRequiredTags.check(input({}, schema, defaults))).toBe(
      `missing tag(s) ${first} (resource tags + provider default_tags)`,
    );
    expect(awsRequiredTags.check(input({}, schema))).toBe(
      `missing tag(s) ${REQUIRED_TAG_KEYS.join(", ")} (resource tags + provider default_tags)`,
    );
  });

  it("counts the Google provider's default_labels on resources with effective_labels only", () => {
    const defaults = { default_labels: allButFirst };
    expect(gcpRequiredLabels.check(input({}, ["labels", "effective_labels"], defaults))).toBe(
      `missing label(s) ${first} (resource labels + provider default_labels)`,
    );
    // `labels` without effective_labels is not a label map: out of scope.
    expect(gcpRequiredLabels.check(input({}, ["labels"], defaults))).toBeUndefined();
  });

  it("on Azure, where the provider has no defaults, wants every key on the resource", () => {
    expect(azureRequiredTags.check(input({ tags: all }, ["tags"]))).toBeUndefined();
    expect(azureRequiredTags.check(input({ tags: allButFirst }, ["tags"], { default_tags: all }))).toBe(
      `missing tag(s) ${first}`,
    );
    expect(azureRequiredTags.check(input({}, ["location"]))).toBeUndefined();
  });

  it("describes each rule with the cloud's word for them", () => {
    expect(awsRequiredTags.description).toBe(
      `Taggable AWS resources carry the standard tags (${REQUIRED_TAG_KEYS.join(", ")})`,
    );
    expect(gcpRequiredLabels.description).toMatch(/^Labelled GCP resources carry the standard labels \(/);
    expect([awsRequiredTags, azureRequiredTags, gcpRequiredLabels].map((r) => r.level)).toEqual([
      "error",
      "error",
      "error",
    ]);
  });
});
