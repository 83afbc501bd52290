/**
 * fork:check's pool starts the full forks first: a full fork started last
 * would run alone at the end while the other core idles.
 */
import { startOrder } from "../../tools/fork-check";
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
