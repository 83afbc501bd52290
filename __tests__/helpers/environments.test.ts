/**
 * synthEnvironment shares one synth per config and release across the test
 * files of a jest worker: what it hands out must still behave as a fresh synth.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { environmentConfig, oncePerRun, synthEnvironment } from "./environments";

describe("synthEnvironment", () => {
  const config = environmentConfig({
    clouds: ["gcp"],
    aws: undefined,
    azure: undefined,
    weights: { "gcp.function": 100 },
  });

  it("gives every call its own parse of the same Terraform JSON, so a test may change what it got", () => {
    const first = synthEnvironment(config);
    const second = synthEnvironment(structuredClone(config));
    expect(second.synthesized).toBe(first.synthesized);
    expect(second.json).toEqual(first.json);
    expect(second.json).not.toBe(first.json);
    delete first.json.resource;
    expect(second.json.resource).toBeDefined();
  });

  it("hands out the stack that synthesizes to that JSON", () => {
    const { stack, synthesized } = synthEnvironment(config);
    expect(stack.node.id).toBe(config.name);
    expect(JSON.parse(Testing.synth(stack, true))).toEqual(JSON.parse(synthesized));
  });

  it("keys on the release too: another release is another synth", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const released = synthEnvironment(config, { id: "r1", digest });
    expect(released.synthesized).not.toBe(synthEnvironment(config).synthesized);
    expect(released.synthesized).toContain(digest);
  });
});

describe("oncePerRun", () => {
  it("makes a value once and leaves it in the run's shared folder for the other worker", () => {
    const shared = process.env.JEST_RUN_SHARED;
    expect(shared).toBeDefined(); // set by __tests__/tmp-guard/setup.js for every run
    const dir = shared as string;
    const value = `made by ${process.pid} at ${process.hrtime.bigint()}`;
    let made = 0;
    const make = () => {
      made += 1;
      return value;
    };
    expect(oncePerRun(`test:${value}`, make)).toBe(value);
    expect(oncePerRun(`test:${value}`, make)).toBe(value);
    expect(made).toBe(1);
    // Other files are the other worker's (renamed into place whole: *.json only once complete).
    const complete = readdirSync(dir).filter((name) => name.endsWith(".json"));
    expect(complete.filter((name) => readFileSync(join(dir, name), "utf8") === value)).toHaveLength(1);
  });
});
