/** Reads the repository's Dockerfile the way the tests need it. */

/** Dockerfile instructions with continuations joined and comments dropped, grouped by stage. */
export function dockerStages(text: string): { from: string; instructions: { op: string; args: string }[] }[] {
  const logical = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of logical) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (op.toUpperCase() === "FROM") stages.push({ from: args, instructions: [] });
    else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}
