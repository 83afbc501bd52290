/**
 * fork:check's pool starts the full forks first: a full fork started last
 * would run alone at the end while the other core idles. A fork whose jest
 * starts once fewer forks run takes the cores the finished ones left.
 */
import { jestWorkers, startOrder } from "../../tools/fork-check";
import { forksOf, withTests } from "../../tools/forks";
import { COMPANY, shippedEnvironments } from "../helpers/environments";

const FORKS = forksOf({ company: COMPANY, environments: shippedEnvironments() });

describe("fork:check start order", () => {
  it.each(["", "0123abcd", "ffffffffffffffffffffffffffffffffffffffff"])(
    "puts the full forks first, then the shaped ones in matrix order (commit %j)",
    (commit) => {
      const forks = withTests(FORKS, commit, false);
      const order = startOrder(forks);
      const full = forks.filter((fork) => fork.tests === "full").map((fork) => fork.name);
      const shaped = forks.filter((fork) => fork.tests === "shaped").map((fork) => fork.name);
      expect(full.length).toBeGreaterThan(0);
      expect(order.map((fork) => fork.name)).toEqual([...full, ...shaped]);
    },
  );

  it("keeps matrix order when every fork is full", () => {
    const forks = withTests(FORKS, "", true);
    expect(startOrder(forks).map((fork) => fork.name)).toEqual(forks.map((fork) => fork.name));
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
