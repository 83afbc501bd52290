/**
 * fork:check's pool starts the full forks first, then the heaviest: a long fork
 * started last would run alone at the end while the other core idles. A fork whose jest
 * starts once fewer forks run takes the cores the finished ones left.
 */
import { forkWeight, jestWorkers, startOrder } from "../../tools/fork-check";
import { forksOf, withTests } from "../../tools/forks";
import { COMPANY, shippedEnvironments } from "../helpers/environments";

const FORKS = forksOf({ company: COMPANY, environments: shippedEnvironments() });

describe("fork:check start order", () => {
  it.each(["", "0123abcd", "ffffffffffffffffffffffffffffffffffffffff"])(
    "puts the full forks first, then the shaped ones heaviest first (commit %j)",
    (commit) => {
      const forks = withTests(FORKS, commit, false);
      const order = startOrder(forks);
      const full = forks.filter((fork) => fork.tests === "full").map((fork) => fork.name);
      expect(full.length).toBeGreaterThan(0);
      expect(order.slice(0, full.length).map((fork) => fork.name)).toEqual(full);
      const shaped = order.slice(full.length);
      expect(shaped.every((fork) => fork.tests === "shaped")).toBe(true);
      expect(shaped.map(forkWeight)).toEqual(shaped.map(forkWeight).sort((a, b) => b - a));
      expect(order.map((fork) => fork.name).sort()).toEqual(forks.map((fork) => fork.name).sort());
    },
  );

  it("weighs a fork by its environments times its clouds, matrix order among equals", () => {
    const five = FORKS.find((fork) => fork.name === "five-envs");
    const gcp = FORKS.find((fork) => fork.name === "orders-gcp");
    expect(five && forkWeight(five)).toBe((five?.environments.length ?? 0) * COMPANY.clouds.length);
    expect(gcp && forkWeight(gcp)).toBe(gcp?.environments.length);
    const forks = withTests(FORKS, "", true);
    const order = startOrder(forks).map((fork) => fork.name);
    expect(order[0]).toBe("five-envs");
    // Equal weights keep the matrix's order.
    const equal = forks.filter((fork) => forkWeight(fork) === forkWeight(forks[0])).map((fork) => fork.name);
    expect(order.filter((name) => equal.includes(name))).toEqual(equal);
  });
});

describe("fork:check jest workers", () => {
  it("shares the cores among the forks running when a fork's jest starts", () => {
    expect(jestWorkers(2, 2)).toBe(1);
    expect(jestWorkers(8, 2)).toBe(4);
    expect(jestWorkers(8, 3)).toBe(2);
  });

  it("gives the last fork every core, and never fewer than one worker", () => {
    expect(jestWorkers(2, 1)).toBe(2);
    expect(jestWorkers(1, 2)).toBe(1);
    expect(jestWorkers(2, 0)).toBe(2);
  });
});
