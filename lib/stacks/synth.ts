/**
 * Synthesizes every environment into `outdir` all-or-nothing: the app writes
 * into a sibling temporary folder that replaces `outdir` only once synth has
 * succeeded and the policy check has passed, so a failed run never leaves a
 * half-written (or policy-failing) `cdktf.out`.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { App, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } from "cdktf";
import { BOOTSTRAP_PERMISSIONS, environmentPermissionGaps } from "../bootstrap/permissions";
import { BootstrapStack } from "../bootstrap/stack";
import { BOOTSTRAP_STACK, type BootstrapConfig } from "../config/bootstrap";
import { ConfigError } from "../config/errors";
import { type EnvironmentFiles, environmentFile, loadConfiguration } from "../config/load";
import type { EnvironmentConfig } from "../config/schema";
import { ConstructError } from "../contract/errors";
import { countsOf, formatCounts, formatWarnings, PolicyError, type PolicyReport, policyReport } from "../policy/report";
import { EnvironmentStack } from "./environment-stack";
import type { ReleaseFor } from "./release-input";
import { terraformJson } from "./terraform-json";

export interface SynthOptions {
  /** Final output folder (cdktf's `CDKTF_OUTDIR` when run by the CLI). */
  readonly outdir: string;
  /**
   * Each environment's release and rollout step, usually `releaseFromEnvironment(process.env)`.
   * @default - LOCAL_RELEASE for every environment
   */
  readonly release?: ReleaseFor;
  /** Adds the `bootstrap` stack (GitLab OIDC trust, docs/bootstrap.md). @default - no bootstrap stack */
  readonly bootstrap?: BootstrapConfig;
}

/** What `runSynth` takes: the company and bootstrap settings unvalidated, like the environments. */
export interface RunSynthOptions extends Omit<SynthOptions, "bootstrap"> {
  /** `environments/company.ts`; every environment is validated with its defaults. */
  readonly company: unknown;
  /** `environments/bootstrap.ts`, validated against the environments. @default - no bootstrap stack */
  readonly bootstrap?: unknown;
  /**
   * Stacks to synthesize (environment names, or `bootstrap`); every one is
   * still validated. @default - all of them
   */
  readonly only?: readonly string[];
  /**
   * Print the policy warnings after the summary. The cdktf CLI prints every
   * warning annotation itself, so main.ts turns this off under it.
   * @default true
   */
  readonly printWarnings?: boolean;
}

export interface StackSummary {
  readonly name: string;
  /** Path of the stack's Terraform JSON, relative to the current directory. */
  readonly file: string;
  /** Resources per provider (`aws`, `azurerm`, `google`, `cloudflare`, ...), sorted by provider. */
  readonly resourcesByProvider: Readonly<Record<string, number>>;
  /** Policy findings (suppressed ones included) and other annotations of the stack. */
  readonly policy: PolicyReport;
  /** What the CI identities (bootstrap: the administrator) lack for this stack's resource types, one line each. */
  readonly permissionGaps: readonly string[];
}

// cdktf reads this when a stack is constructed. Set, app.synth() writes every stack despite error
// annotations (as under the cdktf CLI, which sets it too); the policy gate below then decides, so one
// run reports the findings of every environment and the variable cannot switch the policy off.
const CONTINUE_ON_ERRORS = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS";

/**
 * A construct's refusal of a value, with the file to edit in front: problems
 * listed line by line (`<env>.<field.path>: ...`, as constructs report them)
 * become a ConfigError in the config format, `<file>: <env>.<field.path>: ...`;
 * any other error keeps its message behind the file name.
 */
function inFile(file: string, error: unknown): Error {
  const problems = (error as { problems?: unknown } | null)?.problems;
  if (Array.isArray(problems) && problems.every((p) => typeof p === "string")) {
    return new ConfigError(
      problems.map((problem) => `${file}: ${problem}`),
      "configuration",
    );
  }
  return new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * @throws PolicyError when any stack has an unsuppressed policy error or another error annotation;
 *   `outdir` is then left as it was.
 */
export function synthEnvironments(configs: readonly EnvironmentConfig[], options: SynthOptions): StackSummary[] {
  const staging = `${options.outdir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const reports: PolicyReport[] = [];
  const names: string[] = [];
  const contents: StackContent[] = [];
  try {
    // No stack traces in annotations: they would put this machine's paths into manifest.json.
    const context = { [DISABLE_STACK_TRACE_IN_METADATA]: true };
    const app = new App({ outdir: staging, skipValidation: false, context });
    const builds: (() => TerraformStack)[] = configs.map((config) => () => {
      try {
        return new EnvironmentStack(app, { config, release: options.release?.(config.name) });
      } catch (error) {
        throw inFile(environmentFile(config.name), error);
      }
    });
    const bootstrap = options.bootstrap;
    if (bootstrap !== undefined) builds.push(() => new BootstrapStack(app, { config: bootstrap }));
    // One stack at a time, built, written and then let go, so memory holds one stack, not all of them.
    for (const build of builds) {
      const firstToken = tokenCount();
      const stack = constructWith(CONTINUE_ON_ERRORS, build);
      const json = synthesizeStack(app, stack);
      if (stack instanceof EnvironmentStack) writePublishList(staging, stack);
      reports.push(policyReport(stack));
      names.push(stack.node.id);
      contents.push(contentOf(stack.node.id, json));
      release(app, stack, firstToken);
    }
    finishApp(app);
    if (countsOf(reports).errors > 0) throw new PolicyError(reports);
    rmSync(options.outdir, { recursive: true, force: true });
    renameSync(staging, options.outdir);
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
  return names.map((name, i) => ({
    name,
    file: relative(process.cwd(), join(options.outdir, "stacks", name, "cdk.tf.json")),
    ...contents[i],
    policy: reports[i],
  }));
}

/** `build()` with the environment variable `name` set to "true" while it runs (cdktf reads it when a stack is constructed). */
function constructWith(name: string, build: () => TerraformStack): TerraformStack {
  const previous = process.env[name];
  process.env[name] = "true";
  try {
    return build();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}

/**
 * cdktf's process-wide token map (cdktf/lib/tokens/private/token-map.js, pinned version): every token
 * ever stringified, each holding its construct, so no stack is ever garbage: 100 environments peaked
 * at 323 MB. Private, like the stack-trace switch bin/run.cjs sets; should it move, stacks are merely
 * kept until the process ends.
 */
interface TokenMapInternals {
  tokenCounter: number;
  stringTokenMap: Map<string, unknown>;
  numberTokenMap: Map<number, unknown>;
}
function tokenMap(): TokenMapInternals | undefined {
  const map = (globalThis as { __cdktfTokenMap?: Partial<TokenMapInternals> }).__cdktfTokenMap;
  const usable =
    map !== undefined &&
    typeof map.tokenCounter === "number" &&
    map.stringTokenMap instanceof Map &&
    map.numberTokenMap instanceof Map;
  return usable ? (map as TokenMapInternals) : undefined;
}
const tokenCount = () => tokenMap()?.tokenCounter ?? 0;

/**
 * Lets a written stack go: out of the app's tree, and its tokens (those registered since `firstToken`)
 * out of cdktf's token map. A later stack that used one of them would fail loudly ("Unrecognized
 * token key"), never write a wrong value; these stacks never refer to each other.
 */
function release(app: App, stack: TerraformStack, firstToken: number): void {
  app.node.tryRemoveChild(stack.node.id);
  const map = tokenMap();
  if (map === undefined) return;
  for (const key of map.stringTokenMap.keys()) {
    if (Number(key.slice(key.lastIndexOf(".") + 1)) >= firstToken) map.stringTokenMap.delete(key);
  }
  for (const key of map.numberTokenMap.keys()) if (key >= firstToken) map.numberTokenMap.delete(key);
}

/** The parts of a written `cdk.tf.json` the summary reads. */
interface TerraformJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, unknown>;
  readonly terraform?: { readonly backend?: object };
}

/**
 * What `app.synth()` does for one stack, less the cross-stack pass (synthesizeIndependentStacks).
 * @returns the Terraform JSON the stack's synthesizer wrote (what `stack.toTerraform()` returned), so
 *   the summary need not read and parse the file back
 */
function synthesizeStack(app: App, stack: TerraformStack): TerraformJson {
  stack.ensureBackendExists();
  let written: TerraformJson = {};
  // cdktf's synthesizer writes what this returns: the same JSON, built with one walk less (terraform-json.ts).
  stack.toTerraform = () => {
    written = terraformJson(stack);
    return written;
  };
  try {
    stack.synthesizer.synthesize({ outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest });
  } finally {
    delete (stack as Partial<Pick<TerraformStack, "toTerraform">>).toTerraform;
  }
  return written;
}

/** The app's own validations, then manifest.json. */
function finishApp(app: App): void {
  if (!app.skipValidation) {
    const problems = app.node.validate();
    if (problems.length > 0)
      throw new ConstructError(
        "BPE_STACK_2",
        undefined,
        `App-level validation failed with the following errors:\n  ${problems.join("\n  ")}`,
      );
  }
  app.manifest.writeToFile();
}

/**
 * `app.synth()` of cdktf 0.21 without its first pass. That pass (`prepareStack`) resolves every
 * block of every stack once more only to find references from one stack to another and wire them
 * through remote state; these stacks never refer to each other (each is built from its own
 * config), so it cost about a fifth of synth for nothing. Everything else is cdktf's own code path
 * through public API: the backend check, each stack's synthesizer (aspects, validations,
 * annotations, cdk.tf.json), the app's validations and manifest.json. The bytes written are the
 * same (__tests__/stacks/synth-equivalence.test.ts compares with `app.synth()`). synthEnvironments
 * does the same one stack at a time.
 */
export function synthesizeIndependentStacks(app: App): void {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  for (const stack of stacks) synthesizeStack(app, stack);
  finishApp(app);
}

/** File beside each environment's Terraform JSON: what `publish:<env>` copies where (ci/release/publish.sh). */
export const PUBLISH_LIST = "publish.env";

/**
 * `PUBLISH_<CLOUD>_IMAGE=<registry>/<repository>@<digest>` per enabled cloud:
 * the exact references the container targets pull, so the publish job copies
 * the image to the same place the plan deploys from.
 */
export function publishList(stack: EnvironmentStack): string {
  const lines = Object.entries(stack.images).map(([cloud, image]) => `PUBLISH_${cloud.toUpperCase()}_IMAGE=${image}`);
  return `${lines.join("\n")}\n`;
}

function writePublishList(outdir: string, stack: EnvironmentStack): void {
  const dir = join(outdir, "stacks", stack.node.id);
  writeFileSync(join(dir, PUBLISH_LIST), publishList(stack));
}

type StackContent = Pick<StackSummary, "resourcesByProvider" | "permissionGaps">;

function contentOf(stack: string, json: TerraformJson): StackContent {
  const counts: Record<string, number> = {};
  for (const [type, instances] of definedEntries(json.resource)) {
    const provider = type.split("_")[0];
    counts[provider] = (counts[provider] ?? 0) + definedEntries(instances).length;
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  return { resourcesByProvider: sorted, permissionGaps: permissionGaps(stack, json) };
}

/** Entries as the JSON file has them: an undefined value is not written. */
function definedEntries<T>(record: Readonly<Record<string, T>> | undefined): [string, T][] {
  return Object.entries(record ?? {}).filter(([, value]) => value !== undefined);
}

/**
 * The same check as __tests__/permissions/coverage.test.ts, reported here so a fork sees a gap at
 * synth. It reads only which resource, data source and backend types a stack has, so stacks with
 * the same types (generated environments, most forks' environments) share one answer.
 */
const gapsByTypes = new Map<string, readonly string[]>();
function permissionGaps(stack: string, json: TerraformJson): readonly string[] {
  const typesOnly = (record: object | undefined) =>
    Object.fromEntries(definedEntries(record as Record<string, unknown> | undefined).map(([type]) => [type, {}]));
  const types = {
    resource: typesOnly(json.resource),
    data: typesOnly(json.data),
    terraform: { backend: typesOnly(json.terraform?.backend) },
  };
  const bootstrap = stack === BOOTSTRAP_STACK;
  const key = JSON.stringify([bootstrap, types]);
  let gaps = gapsByTypes.get(key);
  if (gaps === undefined) {
    gaps = bootstrap
      ? environmentPermissionGaps(types, "deploy", BOOTSTRAP_PERMISSIONS)
      : [...new Set([...environmentPermissionGaps(types, "plan"), ...environmentPermissionGaps(types, "deploy")])];
    gapsByTypes.set(key, gaps);
  }
  return gaps;
}

export function formatSummary(stacks: readonly StackSummary[]): string {
  const width = Math.max(...stacks.map((s) => s.name.length));
  const lines = stacks.map((s) => {
    const counts = Object.entries(s.resourcesByProvider);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const detail = counts.length > 0 ? counts.map(([p, n]) => `${p} ${n}`).join(", ") : "providers and backend only";
    return `  ${s.name.padEnd(width)}  ${String(total).padStart(4)} resources (${detail})  -> ${s.file}`;
  });
  const policy = formatCounts(countsOf(stacks.map((s) => s.policy)));
  const gaps = stacks.flatMap((s) => s.permissionGaps.map((gap) => `  ${s.name}: ${gap}`));
  return [
    `Synthesized ${stacks.length} stack${stacks.length === 1 ? "" : "s"}:`,
    ...lines,
    `Policy: ${policy} (\`npm run policy\` for the table)`,
    gaps.length === 0
      ? "Permissions: the CI identities hold what every resource type needs (lib/<cloud>/permissions.ts)"
      : `Permissions: ${gaps.length} gap${gaps.length === 1 ? "" : "s"} (lib/<cloud>/permissions.ts, docs/bootstrap.md):`,
    ...gaps,
  ].join("\n");
}

export interface Output {
  log(message: string): void;
  error(message: string): void;
}

/**
 * The whole `npm run synth` command: validate, synthesize, summarize.
 * @returns the process exit code: 0, or 1 after one readable message on `io.error`
 */
export function runSynth(files: EnvironmentFiles, options: RunSynthOptions, io: Output = console): number {
  try {
    const { configs, bootstrap } = loadConfiguration(files, options.company, options.bootstrap);
    const only = options.only ?? [];
    const known = [...configs.map((c) => c.name), ...(bootstrap === undefined ? [] : [BOOTSTRAP_STACK])];
    const unknown = only.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      io.error(`Unknown stack ${unknown.join(", ")}; known: ${known.join(", ")}`);
      return 1;
    }
    const selected = only.length === 0 ? configs : configs.filter((c) => only.includes(c.name));
    const withBootstrap = only.length === 0 || only.includes(BOOTSTRAP_STACK) ? bootstrap : undefined;
    const stacks = synthEnvironments(selected, { ...options, bootstrap: withBootstrap });
    io.log(formatSummary(stacks));
    const warnings = formatWarnings(stacks.map((s) => s.policy));
    // stdout: a successful synth writes nothing to stderr
    if (warnings !== "" && (options.printWarnings ?? true)) io.log(warnings);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.error(error.message);
    } else {
      // Synth errors (validation, policy annotations) are already readable; the stack trace is noise unless asked for.
      const message = error instanceof Error ? error.message : String(error);
      io.error(`Synth failed: ${message}`);
      if (process.env.DEBUG !== undefined && error instanceof Error && error.stack) io.error(error.stack);
    }
    return 1;
  }
}
