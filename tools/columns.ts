/**
 * Rows as aligned text columns, two spaces apart, each line's trailing blanks
 * trimmed: the tables the commands print (verify's targets, fork:check's forks,
 * the rehearsal's jobs, the policy rules). Columns in `right` are right-aligned
 * (figures).
 */
export function formatColumns(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
