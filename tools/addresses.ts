/**
 * Pinned Terraform addresses: `npm run addresses` compares every stack's
 * resource addresses (`<type>.<logical id>`) with the list recorded in
 * `__tests__/stacks/addresses/<stack>.txt`. A recorded address that is gone
 * is a resource Terraform would destroy (and, renamed, recreate): a refactor
 * that renames a construct must add a `moved` block (cdktf's `moveTo`,
 * `moveFromId`), which Terraform applies as a move; a resource handed to
 * another stack leaves with a `removed` block that keeps it (forgotten, not
 * destroyed: lib/contract/removed.ts). `--write` records the current
 * addresses once a change of addresses is intended.
 *
 * A list is compared only while its stack exists and configures the same
 * providers it was recorded with: a fork that turns a cloud off (or removes an
 * environment) deploys something new, not a rename of the recorded stack.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { booleanOption, command } from "./command";

/** Where the recorded lists live, relative to the repository root. */
export const ADDRESSES_DIR = join("__tests__", "stacks", "addresses");

interface StackJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly moved?: readonly { readonly from: string; readonly to: string }[];
  readonly removed?: readonly { readonly from: string; readonly lifecycle?: { readonly destroy?: boolean } }[];
}

/** A stack's resource addresses, sorted. */
export function resourceAddresses(json: StackJson): string[] {
  const addresses: string[] = [];
  for (const [type, instances] of Object.entries(json.resource ?? {})) {
    for (const name of Object.keys(instances)) addresses.push(`${type}.${name}`);
  }
  return addresses.sort();
}

/** `from -> to` of every `moved` block of the stack. */
export function movedBlocks(json: StackJson): ReadonlyMap<string, string> {
  return new Map((json.moved ?? []).map((block) => [block.from, block.to]));
}

/** Addresses the stack's `removed` blocks forget (`lifecycle { destroy = false }`): left to exist, not destroyed. */
export function forgottenAddresses(json: StackJson): ReadonlySet<string> {
  return new Set((json.removed ?? []).filter((block) => block.lifecycle?.destroy === false).map((block) => block.from));
}

/** What a recorded list holds: the stack's providers when it was written, and its addresses. */
export interface RecordedAddresses {
  readonly providers: readonly string[];
  readonly addresses: readonly string[];
}

export function formatRecorded(stack: string, recorded: RecordedAddresses): string {
  return [
    `# Terraform resource addresses of the ${stack} stack, written by \`npm run addresses -- --write\`.`,
    "# A test fails when one is gone without a moved block: Terraform would destroy it.",
    `# providers: ${recorded.providers.join(" ")}`,
    ...recorded.addresses,
    "",
  ].join("\n");
}

export function parseRecorded(text: string): RecordedAddresses {
  const lines = text.split("\n").map((line) => line.trim());
  const header = lines.find((line) => line.startsWith("# providers:"));
  return {
    providers: (header ?? "# providers:").slice("# providers:".length).trim().split(/\s+/).filter(Boolean),
    addresses: lines.filter((line) => line !== "" && !line.startsWith("#")),
  };
}

export interface AddressChanges {
  /** Recorded addresses that are gone with no moved block to a current address: destroyed on apply. */
  readonly destroyed: readonly string[];
  /** Recorded addresses that are gone with a `removed` block that keeps them: forgotten on apply. */
  readonly forgotten: readonly string[];
  /** Moves the stack declares for recorded addresses: `from -> to`. */
  readonly moved: readonly string[];
  /** Current addresses that are not recorded (and not the target of a move). */
  readonly added: readonly string[];
}

export function compareAddresses(
  recorded: readonly string[],
  current: readonly string[],
  moves: ReadonlyMap<string, string>,
  forget: ReadonlySet<string> = new Set(),
): AddressChanges {
  const now = new Set(current);
  const before = new Set(recorded);
  const destroyed: string[] = [];
  const forgotten: string[] = [];
  const moved: string[] = [];
  const targets = new Set<string>();
  for (const address of recorded) {
    if (now.has(address)) continue;
    const to = moves.get(address);
    if (to !== undefined && now.has(to)) {
      moved.push(`${address} -> ${to}`);
      targets.add(to);
    } else if (forget.has(address)) {
      forgotten.push(address);
    } else {
      destroyed.push(address);
    }
  }
  const added = current.filter((address) => !before.has(address) && !targets.has(address));
  return { destroyed, forgotten, moved, added };
}

/** The providers a synthesized stack configures (aws, azurerm, google, cloudflare, ...), sorted. */
export function stackProviders(json: { provider?: Record<string, unknown> }): string[] {
  // With its alias: the bootstrap stack's per-account providers (`aws.account-<id>`) name the accounts,
  // so a fork with accounts of its own deploys new stacks rather than renaming the recorded ones.
  const names = Object.entries(json.provider ?? {}).flatMap(([type, blocks]) =>
    (Array.isArray(blocks) ? blocks : [blocks]).map((block) => {
      const alias = (block as { alias?: unknown } | null)?.alias;
      return typeof alias === "string" ? `${type}.${alias}` : type;
    }),
  );
  return [...new Set(names)].sort();
}

/** One line per problem of `stack` against its recorded list (empty when it matches). */
export function addressProblems(stack: string, recorded: RecordedAddresses, json: StackJson): string[] {
  const changes = compareAddresses(
    recorded.addresses,
    resourceAddresses(json),
    movedBlocks(json),
    forgottenAddresses(json),
  );
  return [
    ...changes.destroyed.map(
      (address) =>
        `${stack}: ${address} is gone: the next apply destroys it. Renamed? Add a moved block (resource.moveFromId("${address}")); intended? npm run addresses -- --write`,
    ),
    ...changes.added.map((address) => `${stack}: ${address} is new and not recorded yet: npm run addresses -- --write`),
  ];
}

function readJson(path: string): StackJson & { provider?: Record<string, unknown> } {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** `npm run addresses [-- --write]` against `<cwd>/cdktf.out`. */
export const addressesCommand = command({
  name: "addresses",
  summary: "Compare every stack's Terraform addresses with the recorded lists (or record them)",
  usage: "[--write]",
  description: `Compares the Terraform resource addresses of every stack in cdktf.out (run
\`npm run synth\` first) with the lists recorded in ${ADDRESSES_DIR}/.
A recorded address that is gone would be destroyed by the next apply: add a
\`moved\` block (cdktf: resource.moveFromId("<type>.<old id>")) or, when the
destroy is intended, record the new list.`,
  options: { write: booleanOption("record the current addresses of every stack") },
  notes: `Exit status: 0 unchanged (or written); 1 an address would be destroyed or is
not recorded yet, or no cdktf.out; 2 bad usage.`,
  run({ values }, io) {
    const stacksDir = join(io.cwd, "cdktf.out", "stacks");
    if (!existsSync(stacksDir)) {
      io.err("addresses: no cdktf.out/stacks; run `npm run synth` first");
      return 1;
    }
    const stacks = readdirSync(stacksDir)
      .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
      .sort();
    const dir = join(io.cwd, ADDRESSES_DIR);
    if (values.write === true) {
      mkdirSync(dir, { recursive: true });
      for (const stack of stacks) {
        const json = readJson(join(stacksDir, stack, "cdk.tf.json"));
        const recorded = { providers: stackProviders(json), addresses: resourceAddresses(json) };
        writeFileSync(join(dir, `${stack}.txt`), formatRecorded(stack, recorded));
        io.out(`${stack}: recorded ${recorded.addresses.length} addresses`);
      }
      return 0;
    }
    const problems: string[] = [];
    for (const stack of stacks) {
      const file = join(dir, `${stack}.txt`);
      const json = readJson(join(stacksDir, stack, "cdk.tf.json"));
      if (!existsSync(file)) {
        problems.push(`${stack}: no recorded addresses (${ADDRESSES_DIR}/${stack}.txt): npm run addresses -- --write`);
        continue;
      }
      const recorded = parseRecorded(readFileSync(file, "utf8"));
      if (recorded.providers.join(" ") !== stackProviders(json).join(" ")) {
        io.out(
          `${stack}: recorded for ${recorded.providers.join(", ")}, now ${stackProviders(json).join(", ")}: not compared`,
        );
        continue;
      }
      const found = addressProblems(stack, recorded, json);
      problems.push(...found);
      if (found.length === 0) io.out(`${stack}: ${recorded.addresses.length} addresses as recorded`);
    }
    for (const problem of problems) io.err(problem);
    return problems.length === 0 ? 0 : 1;
  },
});
