/**
 * PolicyAspect: runs the rule packs over every Terraform block of a stack, in
 * the manner of cdk-nag. For each resource, data source, output, provider and
 * backend it builds the block's synthesized attributes (`toTerraform()`,
 * tokens unresolved) and asks every rule that applies to its type. Each
 * failure becomes
 *
 * - a cdktf annotation on the construct (error or warning), which is what
 *   makes `app.synth()` and `cdktf synth|deploy` fail, and
 * - a `Finding` in the construct's metadata, which `npm run policy` and the
 *   synth summary read back, suppressed findings included.
 *
 * Add it after every aspect that changes attributes (tags, protections): for
 * each construct, cdktf runs a stack's aspects in the order they were added.
 */
import {
  Annotations,
  DefaultTokenResolver,
  type IAspect,
  StringConcat,
  TerraformBackend,
  TerraformDataSource,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
} from "cdktf";
import type { IConstruct } from "constructs";
import { resolveTokens } from "../tokens/resolve";
import { ALL_RULES } from "./packs";
import type { Level, Rule, RuleInput, StackResource } from "./rule";
import { suppressionFor, suppressionProblem, suppressionsOn } from "./suppressions";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Metadata type of a recorded finding. */
export const FINDING_METADATA = "blueprint:policy/finding";

/** Id of the finding reported for a suppression that is itself invalid; it cannot be suppressed. */
export const INVALID_SUPPRESSION = "BP_POLICY_1";

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  /** Construct path, e.g. `prod/aws/container/repository`. */
  readonly path: string;
  /** Terraform address, e.g. `aws_ecr_repository.aws_container_repository_1A2B3C4D`. */
  readonly address: string;
  /** The rule's description and what this block does wrong. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
  /** The reviewer-visible reason, when the finding is suppressed. */
  readonly suppressedBecause?: string;
}

/** A Terraform block as a rule sees it, plus its address. */
interface Block {
  readonly address: string;
  readonly input: RuleInput;
}

export interface PolicyAspectProps {
  /**
   * Rules to run.
   * @default - every rule of every pack (`ALL_RULES`)
   */
  readonly rules?: readonly Rule[];
}

export class PolicyAspect implements IAspect {
  private readonly exact = new Map<string, Rule[]>();
  private readonly prefixed: [string, Rule][] = [];
  private readonly rulesByType = new Map<string, readonly Rule[]>();
  private readonly knownIds: ReadonlySet<string> = new Set(ALL_RULES.map((rule) => rule.id));
  // cdktf re-runs aspects on every synth of the same tree (Testing.synth, then app.synth); report once.
  private readonly visited = new WeakSet<IConstruct>();
  private readonly providerConfigs = new WeakMap<TerraformStack, Map<string, Record<string, unknown>>>();
  private readonly stackResources = new WeakMap<
    TerraformStack,
    { readonly all: readonly TerraformResource[]; readonly byTypes: Map<string, readonly TerraformResource[]> }
  >();
  private readonly resourceSnapshots = new WeakMap<TerraformResource, StackResource>();
  private readonly explicitProviders = new WeakMap<TerraformProvider, Record<string, unknown>>();

  constructor(props: PolicyAspectProps = {}) {
    for (const rule of props.rules ?? ALL_RULES) {
      for (const type of rule.appliesTo) {
        if (type.endsWith("*")) this.prefixed.push([type.slice(0, -1), rule]);
        else this.exact.set(type, [...(this.exact.get(type) ?? []), rule]);
      }
    }
  }

  visit(node: IConstruct): void {
    if (this.visited.has(node)) return;
    this.visited.add(node);
    this.checkSuppressions(node);
    const block = this.blockOf(node);
    if (block === undefined) return;
    for (const rule of this.rulesFor(block.input.type)) {
      let problem: string | undefined;
      try {
        problem = rule.check(block.input);
      } catch (error) {
        // A rule that cannot read this block must not pass it silently, nor end synth with a stack trace.
        problem = `the rule could not check this block (${error instanceof Error ? error.message : String(error)}); fix the rule or suppress it here`;
      }
      if (problem !== undefined) this.report(node, block, rule, problem);
    }
  }

  /** The rules for a block type, listed once per type (a stack has a few dozen types, hundreds of blocks). */
  private rulesFor(type: string): readonly Rule[] {
    let rules = this.rulesByType.get(type);
    if (rules === undefined) {
      const matching = this.prefixed.filter(([prefix]) => type.startsWith(prefix)).map(([, rule]) => rule);
      rules = [...(this.exact.get(type) ?? []), ...matching];
      this.rulesByType.set(type, rules);
    }
    return rules;
  }

  private report(node: IConstruct, block: Block, rule: Rule, problem: string): void {
    const reason = suppressionFor(node, rule.id, this.knownIds);
    const finding: Finding = {
      ruleId: rule.id,
      level: rule.level,
      path: node.node.path,
      address: block.address,
      message: `${rule.description}: ${problem}`,
      fix: rule.fix,
      ...(reason === undefined ? {} : { suppressedBecause: reason }),
    };
    node.node.addMetadata(FINDING_METADATA, finding);
    if (reason !== undefined) {
      // Reviewers read the reason in cdk.tf.json, next to the block it excuses.
      if (node instanceof TerraformResource || node instanceof TerraformDataSource) {
        node.addOverride(`//.policy_suppressions.${rule.id}`, reason);
      }
      return;
    }
    const text = annotationText(finding);
    if (rule.level === "error") Annotations.of(node).addError(text);
    else Annotations.of(node).addWarning(text);
  }

  private checkSuppressions(node: IConstruct): void {
    for (const suppression of suppressionsOn(node)) {
      const problem = suppressionProblem(suppression, this.knownIds);
      if (problem === undefined) continue;
      const finding: Finding = {
        ruleId: INVALID_SUPPRESSION,
        level: "error",
        path: node.node.path,
        address: addressOf(node) ?? node.node.path,
        message: `Suppressions name a rule and say why: this one ${problem}`,
        fix: 'suppress(construct, "<rule id>", "<why this is acceptable here>")',
      };
      node.node.addMetadata(FINDING_METADATA, finding);
      Annotations.of(node).addError(annotationText(finding));
    }
  }

  private blockOf(node: IConstruct): Block | undefined {
    const expression = (value: unknown): string => {
      try {
        const resolved = resolveTokens(value, node, RESOLVER);
        return typeof resolved === "string" ? resolved : (JSON.stringify(resolved) ?? "");
      } catch {
        return ""; // unresolvable here; synth itself will report it
      }
    };
    const accepts = (attribute: string): boolean => camelCase(attribute) in node;
    const address = addressOf(node);
    if (address === undefined) return undefined;

    if (node instanceof TerraformResource || node instanceof TerraformDataSource) {
      const kind = node instanceof TerraformResource ? "resource" : "data";
      const type = node.terraformResourceType;
      const synthesized = node.toTerraform() as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
      const attributes = withoutMetadata(synthesized[kind]?.[type]?.[node.friendlyUniqueId]);
      const provider = this.providerConfig(node);
      const resources = (types: readonly string[]) => this.resourcesOf(TerraformStack.of(node), types, expression);
      return {
        address,
        input: {
          type: kind === "data" ? `data.${type}` : type,
          attributes,
          accepts,
          provider,
          expression,
          address,
          resources,
        },
      };
    }
    if (node instanceof TerraformOutput) {
      const synthesized = node.toTerraform() as { output: Record<string, Record<string, unknown>> };
      const attributes = withoutMetadata(synthesized.output[node.friendlyUniqueId]);
      return { address, input: { type: "output", attributes, accepts, expression } };
    }
    if (node instanceof TerraformProvider) {
      return {
        address,
        input: {
          type: `provider.${node.terraformResourceType}`,
          attributes: providerAttributes(node),
          accepts,
          expression,
        },
      };
    }
    if (node instanceof TerraformBackend) {
      const synthesized = node.toTerraform() as { terraform: { backend: Record<string, Record<string, unknown>> } };
      const [[type, attributes]] = Object.entries(synthesized.terraform.backend);
      return { address, input: { type: `backend.${type}`, attributes: attributes ?? {}, accepts, expression } };
    }
    return undefined;
  }

  /**
   * The resources of `stack` with one of `types`, as synthesized. The stack's resources are listed
   * once; each one is synthesized and resolved only when a rule first asks for its type (resolving
   * every block of every stack was a third of the policy check's time).
   */
  private resourcesOf(
    stack: TerraformStack,
    types: readonly string[],
    expression: (value: unknown) => string,
  ): StackResource[] {
    // Rules ask for the same few type lists once per block they check: each list is looked up once.
    let listed = this.stackResources.get(stack);
    if (listed === undefined) {
      const all = stack.node
        .findAll()
        .filter((child): child is TerraformResource => child instanceof TerraformResource);
      listed = { all, byTypes: new Map() };
      this.stackResources.set(stack, listed);
    }
    const key = types.join("\0");
    let found = listed.byTypes.get(key);
    if (found === undefined) {
      found = listed.all.filter((resource) => types.includes(resource.terraformResourceType));
      listed.byTypes.set(key, found);
    }
    return found.map((resource) => this.synthesized(resource, expression));
  }

  private synthesized(resource: TerraformResource, expression: (value: unknown) => string): StackResource {
    let found = this.resourceSnapshots.get(resource);
    if (found === undefined) {
      const type = resource.terraformResourceType;
      const synthesized = resource.toTerraform() as Record<string, Record<string, Record<string, unknown>>>;
      const attributes = withoutMetadata(
        synthesized.resource?.[type]?.[resource.friendlyUniqueId] as Record<string, unknown> | undefined,
      );
      found = { address: `${type}.${resource.friendlyUniqueId}`, type, text: expression(attributes), attributes };
      this.resourceSnapshots.set(resource, found);
    }
    return found;
  }

  /** The attributes of the provider block a resource uses: its own `provider`, else the stack's default one. */
  private providerConfig(node: TerraformResource | TerraformDataSource): Record<string, unknown> | undefined {
    if (node.provider !== undefined) {
      // Once per provider block, not once per resource that names it.
      let attributes = this.explicitProviders.get(node.provider);
      if (attributes === undefined) {
        attributes = providerAttributes(node.provider);
        this.explicitProviders.set(node.provider, attributes);
      }
      return attributes;
    }
    const name = node.terraformGeneratorMetadata?.providerName;
    if (name === undefined) return undefined;
    const stack = TerraformStack.of(node);
    let defaults = this.providerConfigs.get(stack);
    if (defaults === undefined) {
      defaults = new Map();
      for (const child of stack.node.findAll()) {
        if (child instanceof TerraformProvider && child.alias === undefined) {
          defaults.set(child.terraformResourceType, providerAttributes(child));
        }
      }
      this.providerConfigs.set(stack, defaults);
    }
    return defaults.get(name);
  }
}

/** Terraform address of a block (`aws_s3_bucket.logs`, `data.x.y`, `output.url`, `provider.aws`), if it is one. */
export function addressOf(node: IConstruct): string | undefined {
  if (node instanceof TerraformResource) return `${node.terraformResourceType}.${node.friendlyUniqueId}`;
  if (node instanceof TerraformDataSource) return `data.${node.terraformResourceType}.${node.friendlyUniqueId}`;
  if (node instanceof TerraformOutput) return `output.${node.friendlyUniqueId}`;
  if (node instanceof TerraformProvider) {
    return `provider.${node.terraformResourceType}${node.alias === undefined ? "" : `.${node.alias}`}`;
  }
  if (node instanceof TerraformBackend) return "terraform.backend";
  return undefined;
}

/** How a finding reads in cdktf's annotation output: `[path] CKV_AWS_51 ...`. */
export function annotationText(finding: Finding): string {
  return `${finding.ruleId} ${finding.message}. Fix: ${finding.fix}. (${finding.address})`;
}

function providerAttributes(provider: TerraformProvider): Record<string, unknown> {
  const synthesized = provider.toTerraform() as { provider: Record<string, Record<string, unknown>[]> };
  return withoutMetadata(synthesized.provider[provider.terraformResourceType]?.[0]);
}

/** The block as written to JSON: no `//` metadata, no unset (undefined) arguments. */
function withoutMetadata(block: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(block ?? {}).filter(([key, value]) => key !== "//" && value !== undefined));
}

function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Every finding recorded under `scope` (a stack, an app), suppressed ones included, in tree order. */
export function policyFindings(scope: IConstruct): Finding[] {
  return scope.node
    .findAll()
    .flatMap((node) => node.node.metadata.filter((entry) => entry.type === FINDING_METADATA))
    .map((entry) => entry.data as Finding);
}
