import { formatColumns } from "../../tools/columns";

describe("formatColumns", () => {
  it("aligns columns two spaces apart, figures to the right, without trailing blanks", () => {
    const rows = [
      ["job", "s", "note"],
      ["deploy:prod", "12.5", ""],
      ["plan", "3.0", "ok"],
    ];
    expect(formatColumns(rows, new Set([1])).split("\n")).toEqual([
      "job             s  note",
      "deploy:prod  12.5",
      "plan          3.0  ok",
    ]);
  });

  it("is empty for no rows", () => {
    expect(formatColumns([])).toBe("");
  });
});
