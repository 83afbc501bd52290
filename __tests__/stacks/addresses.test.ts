/**
 * Terraform addresses are pinned: a refactor that renames a construct id
 * changes its resource's address, and Terraform would destroy the resource
 * and create a new one (a production database, an identity, a DNS record).
 * The shipped stacks are compared with the lists in ./addresses/; the rule
 * itself is shown on a stack small enough to read.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { StringResource } from "@cdktf/provider-random/lib/string-resource";
import { TerraformStack, Testing } from "cdktf";
import { environments } from "../../environments";
import { forgetRemoved } from "../../lib/contract/removed";
import {
  ADDRESSES_DIR,
  addressesCommand,
  addressProblems,
  compareAddresses,
  forgottenAddresses,
  formatRecorded,
  movedBlocks,
  parseRecorded,
  resourceAddresses,
  stackProviders,
} from "../../tools/addresses";
import { runCommand } from "../../tools/command";
import { shippedSynth, testApp } from "../helpers/environments";
import { writeTree } from "../helpers/files";
import { messagesIo } from "../helpers/io";
import { scratchDir } from "../helpers/scratch";

const ROOT = join(__dirname, "..", "..");

/** A one-resource stack whose resource has construct id `id`, optionally moved from `movedFrom`. */
function tinyStack(id: string, movedFrom?: string) {
  const app = testApp();
  const stack = new TerraformStack(app, "tiny");
  new RandomProvider(stack, "random");
  const resource = new StringResource(stack, id, { length: 8 });
  if (movedFrom !== undefined) resource.moveFromId(movedFrom);
  return JSON.parse(Testing.synth(stack));
}

describe("compareAddresses", () => {
  const before = tinyStack("suffix");
  const recorded = { providers: stackProviders(before), addresses: resourceAddresses(before) };

  it("lists a stack's resource addresses as <type>.<logical id>", () => {
    expect(recorded.addresses).toEqual(["random_string.suffix"]);
    expect(recorded.providers).toEqual(["random"]);
  });

  it("fails a renamed construct id: the old address would be destroyed", () => {
    const renamed = tinyStack("name-suffix");
    expect(addressProblems("tiny", recorded, renamed)).toEqual([
      expect.stringContaining("tiny: random_string.suffix is gone: the next apply destroys it"),
      expect.stringContaining("tiny: random_string.name-suffix is new and not recorded yet"),
    ]);
  });

  it("passes the same rename with a moved block, and says which move it relies on", () => {
    const moved = tinyStack("name-suffix", "random_string.suffix");
    expect(movedBlocks(moved).get("random_string.suffix")).toBe("random_string.name-suffix");
    expect(addressProblems("tiny", recorded, moved)).toEqual([]);
    expect(compareAddresses(recorded.addresses, resourceAddresses(moved), movedBlocks(moved)).moved).toEqual([
      "random_string.suffix -> random_string.name-suffix",
    ]);
  });

  it("does not accept a moved block whose target does not exist", () => {
    const moves = new Map([["random_string.suffix", "random_string.elsewhere"]]);
    expect(compareAddresses(["random_string.suffix"], ["random_string.other"], moves).destroyed).toEqual([
      "random_string.suffix",
    ]);
  });

  it("passes a resource handed to another stack with a removed block that keeps it, and fails one that destroys it", () => {
    const app = testApp();
    const stack = new TerraformStack(app, "tiny");
    new RandomProvider(stack, "random");
    // The construct path the resource had: forgetRemoved finds the same logical id, so the old address.
    expect(forgetRemoved(stack, [{ type: "random_string", path: ["suffix"] }])).toEqual(["random_string.suffix"]);
    const handedOver = JSON.parse(Testing.synth(stack));
    expect(handedOver.removed).toEqual([{ from: "random_string.suffix", lifecycle: { destroy: false } }]);
    expect(addressProblems("tiny", recorded, handedOver)).toEqual([]);
    expect(
      compareAddresses(
        recorded.addresses,
        resourceAddresses(handedOver),
        movedBlocks(handedOver),
        forgottenAddresses(handedOver),
      ).forgotten,
    ).toEqual(["random_string.suffix"]);
    const destroying = { ...handedOver, removed: [{ from: "random_string.suffix", lifecycle: { destroy: true } }] };
    expect(addressProblems("tiny", recorded, destroying)).toEqual([
      expect.stringContaining("tiny: random_string.suffix is gone: the next apply destroys it"),
    ]);
  });

  it("round-trips the recorded file format", () => {
    expect(parseRecorded(formatRecorded("tiny", recorded))).toEqual(recorded);
  });
});

describe("the shipped stacks keep their recorded addresses", () => {
  // Synthesized while the tests are collected: whether a stack is compared depends on its output.
  const synth = shippedSynth();

  const stacks = [...Object.keys(environments), "bootstrap"];
  const cases = stacks.map((stack) => {
    const file = join(ROOT, ADDRESSES_DIR, `${stack}.txt`);
    const output = synth.files[join("stacks", stack, "cdk.tf.json")];
    const json = output === undefined ? {} : JSON.parse(Buffer.from(output, "base64").toString("utf8"));
    const recorded = existsSync(file) ? parseRecorded(readFileSync(file, "utf8")) : undefined;
    // A fork that added this environment or changed its clouds deploys a new stack: nothing to compare.
    const skip =
      recorded === undefined
        ? "no recorded list"
        : recorded.providers.join(" ") !== stackProviders(json).join(" ")
          ? `recorded for ${recorded.providers.join(", ")}`
          : undefined;
    return { stack, json, recorded, skip };
  });

  it("synthesizes", () => {
    expect(synth.err).toEqual([]);
    expect(synth.code).toBe(0);
  });

  for (const { stack, json, recorded, skip } of cases) {
    if (skip !== undefined || recorded === undefined) {
      it.skip(`${stack} (not compared: ${skip})`, () => undefined);
      continue;
    }
    it(`${stack}: every recorded address is still there or moved`, () => {
      expect(addressProblems(stack, recorded, json)).toEqual([]);
    });
  }

  it("npm run addresses compares the same way and exits 1 on an unrecorded stack", async () => {
    const work = scratchDir("addresses");
    writeTree(join(work, "cdktf.out"), synth.files);
    const { io, err: errors } = messagesIo(work);
    const addresses = (args: string[], cwd = work) => runCommand(addressesCommand, args, { ...io, cwd });
    expect(await addresses(["--bogus"])).toBe(2);
    expect(await addresses([], join(work, "nowhere"))).toBe(1);
    expect(errors.at(-1)).toBe("addresses: no cdktf.out/stacks; run `npm run synth` first");
    // No recorded lists under the temporary root: every stack is reported, exit 1.
    errors.length = 0;
    expect(await addresses([])).toBe(1);
    expect(errors).toEqual([...stacks].sort().map((s) => expect.stringContaining(`${s}: no recorded addresses`)));
    expect(await addresses(["--write"])).toBe(0);
    expect(await addresses([])).toBe(0);
  });
});
