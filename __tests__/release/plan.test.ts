/**
 * The rollout plan (lib/release.ts `rolloutPlan`): one environment's shares
 * at one release step, decided once for the targets, the edge and the
 * release outputs.
 */
import type { OriginId } from "../../lib/config/schema";
import { type Release, rolloutPlan, rolloutSteps } from "../../lib/release";
import { environmentConfig } from "../helpers/environments";

const CANARY = 10;
const config = environmentConfig({ canaryPercent: CANARY });
const NEW = { id: "new-commit", digest: `sha256:${"b".repeat(64)}` };
// Two origins the environment routes to (a fork may turn any cloud off): one keeps a stable revision,
// the other is handed to the plan as split by the edge, so the plan is seen to take that list, not know it.
const [SPLIT, KEPT] = Object.keys(config.weights) as OriginId[];
const STABLE = { id: "old-commit", revisions: { [KEPT]: "41" } };
const SPLIT_BY_EDGE: readonly OriginId[] = [SPLIT];

describe("rolloutPlan", () => {
  it("on a first deploy gives the new release everything and the configured weights", () => {
    const plan = rolloutPlan(config, NEW, { byEdge: SPLIT_BY_EDGE, bySelf: [] });
    expect(plan).toMatchObject({ step: "canary", newPercent: 100, settled: NEW, edgeWeights: config.weights });
    expect(plan.target(KEPT)).toEqual({ newPercent: 100 });
  });

  it("in a canary splits the targets that kept a stable revision, scales the edge-split origins, settles on stable", () => {
    const release: Release = { ...NEW, step: "canary", stable: STABLE };
    const plan = rolloutPlan(config, release, { byEdge: SPLIT_BY_EDGE, bySelf: [] });
    expect(plan).toMatchObject({ step: "canary", newPercent: CANARY, settled: STABLE });
    expect(plan.target(KEPT)).toEqual({ newPercent: CANARY, stable: "41" });
    // No stable revision on this target: it runs the new release alone.
    expect(plan.target(SPLIT)).toEqual({ newPercent: 100 });
    expect(plan.edgeWeights[SPLIT]).toBe(Math.floor(((config.weights[SPLIT] ?? 0) * CANARY) / 100));
    expect(plan.edgeWeights[KEPT]).toBe(config.weights[KEPT]);
  });

  it("on promote settles on the new release, on rollback on the stable one with the edge-split origins at 0", () => {
    const promote = rolloutPlan(
      config,
      { ...NEW, step: "promote", stable: STABLE },
      { byEdge: SPLIT_BY_EDGE, bySelf: [] },
    );
    expect(promote).toMatchObject({ step: "promote", newPercent: 100, settled: { ...NEW, step: "promote" } });
    const rollback = rolloutPlan(
      config,
      { ...NEW, step: "rollback", stable: STABLE },
      { byEdge: SPLIT_BY_EDGE, bySelf: [] },
    );
    expect(rollback).toMatchObject({ step: "rollback", newPercent: 0, settled: STABLE });
    expect(rollback.target(KEPT)).toEqual({ newPercent: 0, stable: "41" });
    expect(rollback.edgeWeights[SPLIT]).toBe(0);
  });
});

describe("rolloutSteps", () => {
  it("has a promote step only where a canary splits traffic; the deploy and rollback always", () => {
    expect(rolloutSteps(config)).toEqual(["canary", "promote", "rollback"]);
    expect(rolloutSteps(environmentConfig({ canaryPercent: 0 }))).toEqual(["canary", "rollback"]);
  });
});
