import type { TerraformStack } from "cdktf";
import type { RuleId } from "../../../lib/policy";

/** Builds the block under test in `stack`, with construct id `subject` (the finding's path is `test/subject`). */
export type Build = (stack: TerraformStack) => void;

/** Blocks that break the rule and blocks that keep it; each runs in a fresh policy stack. */
export interface RuleCase {
  readonly rule: RuleId;
  readonly fail: Build | readonly Build[];
  readonly pass: Build | readonly Build[];
  /** Stack options for both (e.g. no tags aspect). @default - as EnvironmentStack */
  readonly stack?: { readonly tags?: boolean };
  /** Construct path of the failing block. @default "test/subject" */
  readonly path?: string;
}
