import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_RELEASE } from "../../lib/release";
import { releaseFromEnvironment } from "../../lib/stacks/release-input";
import { scratchDir } from "../helpers/scratch";

const DIGEST = `sha256:${"f".repeat(64)}`;

describe("the release synth reads from the pipeline's variables", () => {
  it("is the local release on a fresh clone", () => {
    expect(releaseFromEnvironment({})("any")).toEqual({ ...LOCAL_RELEASE, step: "canary", stable: undefined });
  });

  it("reads the release, the step and each environment's stable release from RELEASE_STABLE_DIR", () => {
    const dir = scratchDir("stable");
    const stable = { id: "old", digest: DIGEST, revisions: { "aws.function": "3" } };
    writeFileSync(join(dir, "one.json"), JSON.stringify(stable));
    const release = releaseFromEnvironment({
      RELEASE_ID: "new",
      IMAGE_DIGEST: DIGEST,
      RELEASE_STEP: "promote",
      RELEASE_STABLE_DIR: dir,
    });
    expect(release("one")).toEqual({ id: "new", digest: DIGEST, step: "promote", stable });
    // No file: no state yet, a first deploy.
    expect(release("two").stable).toBeUndefined();
  });

  it("names every bad variable at once", () => {
    expect(() => releaseFromEnvironment({ IMAGE_DIGEST: "sha256:short", RELEASE_STEP: "halfway" })).toThrow(
      /RELEASE_STEP "halfway" must be one of canary, promote, rollback[\s\S]*IMAGE_DIGEST is set without RELEASE_ID/,
    );
    expect(() => releaseFromEnvironment({ RELEASE_ID: "x", IMAGE_DIGEST: "sha256:short" })).toThrow(
      /IMAGE_DIGEST "sha256:short" must be sha256: followed by 64 lowercase hex digits/,
    );
  });

  it("refuses a stable release file that is not the release output", () => {
    const dir = scratchDir("stable");
    writeFileSync(join(dir, "bad.json"), "{ not json");
    writeFileSync(join(dir, "odd.json"), JSON.stringify({ id: "old", revisions: { "edge.worker": "1" } }));
    const release = releaseFromEnvironment({ RELEASE_ID: "new", RELEASE_STABLE_DIR: dir });
    expect(() => release("bad")).toThrow(/bad\.json is not JSON/);
    expect(() => release("odd")).toThrow(/revisions\.edge\.worker is not a revision of a known origin/);
  });
});
