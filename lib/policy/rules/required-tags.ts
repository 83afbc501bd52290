/**
 * The check behind BP_AWS_1, BP_AZ_1 and BP_GCP_1: every taggable resource
 * carries the standard tags, counting what the provider adds by default. The
 * clouds differ only in where tags live and how a taggable resource is told
 * apart, which each rule states.
 */
import { defineRule, isToken, missingKeys, type Rule, stringMap } from "../rule";
import { REQUIRED_TAG_KEYS } from "../tags";

export interface RequiredTagsRule<Id extends string> extends Pick<Rule<Id>, "id" | "fix" | "appliesTo"> {
  /** What the cloud calls them, and the resource attribute holding them. */
  readonly map: "tags" | "labels";
  /** Resource types: the noun in the description ("Taggable AWS resources"). */
  readonly resources: string;
  /** An attribute only resources that take the tags have (`tags_all`, `effective_labels`, `tags`). */
  readonly taggableWhen: string;
  /**
   * The provider block's default map that reaches every taggable resource.
   * @default - none: the resource's own map must hold every key
   */
  readonly providerDefaults?: (provider: Readonly<Record<string, unknown>>) => unknown;
}

export function requiredTagsRule<const Id extends string>(props: RequiredTagsRule<Id>): Rule<Id> {
  const { map, providerDefaults } = props;
  const noun = map === "tags" ? "tag" : "label";
  return defineRule({
    id: props.id,
    description: `${props.resources} carry the standard ${map} (${REQUIRED_TAG_KEYS.join(", ")})`,
    fix: props.fix,
    level: "error",
    appliesTo: props.appliesTo,
    check: ({ attributes, accepts, provider }) => {
      if (!accepts(props.taggableWhen) || isToken(attributes[map])) return undefined;
      const defaults = providerDefaults === undefined ? {} : stringMap(providerDefaults(provider ?? {}));
      const missing = missingKeys(REQUIRED_TAG_KEYS, defaults, stringMap(attributes[map]));
      if (missing.length === 0) return undefined;
      const where = providerDefaults === undefined ? "" : ` (resource ${map} + provider default_${map})`;
      return `missing ${noun}(s) ${missing.join(", ")}${where}`;
    },
  });
}
