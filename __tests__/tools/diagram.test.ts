import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OriginId } from "../../lib/config/schema";
import { runTool } from "../../tools/cli";
import { DIAGRAM_USAGE, edgeOrigins, MARKERS, mermaidOf, withDiagram } from "../../tools/diagram";
import { FORK_CHECK_USAGE } from "../../tools/fork-check";
import { environmentConfig, synthEnvironment } from "../helpers/environments";

describe("npm run diagram", () => {
  const config = environmentConfig({
    clouds: ["aws", "gcp"],
    azure: undefined,
    weights: { "aws.function": 40, "aws.container": 10, "gcp.function": 30, "gcp.container": 20 },
  });
  const { json } = synthEnvironment(config);
  const diagram = mermaidOf(config.name, json);

  it("reads the edge's routing table: every enabled origin with its weight", () => {
    expect(edgeOrigins(json)).toEqual(
      Object.entries(config.weights).map(([id, weight]) => ({ id: id as OriginId, weight })),
    );
  });

  it("draws client, Worker and each origin under its cloud with region and resource count", () => {
    expect(diagram.split("\n")[0]).toBe("flowchart LR");
    expect(diagram).toContain(`-->|"https://api.${config.cloudflare.domain}"| edge`);
    expect(diagram).toContain(`Cloudflare Worker<br/>${config.company.service}-${config.name}-edge`);
    expect(diagram).toMatch(new RegExp(`subgraph aws\\["AWS ${config.aws?.region}, \\d+ resources"\\]`));
    expect(diagram).toMatch(new RegExp(`subgraph gcp\\["GCP ${config.gcp?.region}, \\d+ resources"\\]`));
    expect(diagram).not.toContain("subgraph azure");
    for (const [id, weight] of Object.entries(config.weights)) {
      expect(diagram).toContain(`edge -->|"${weight}%"| ${id.replace(".", "_")}`);
    }
    expect(diagram).toContain(`Cloud Run<br/>${config.company.service}-${config.name}-run`);
  });

  it("replaces only the block between the README markers", () => {
    const readme = `# Title\n\n${MARKERS.start}\nold\n${MARKERS.end}\n\nrest\n`;
    const next = withDiagram(readme, config.name, diagram) as string;
    expect(next.startsWith("# Title\n\n<!-- diagram:start -->\n")).toBe(true);
    expect(next).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\`\n${MARKERS.end}\n\nrest\n`);
    expect(next).not.toContain("old");
    expect(withDiagram("# no markers\n", config.name, diagram)).toBeUndefined();
  });

  it("says to synthesize first when cdktf.out is missing, and writes only where the markers are", async () => {
    const root = mkdtempSync(join(tmpdir(), "diagram-"));
    const err: string[] = [];
    const io = { log: () => {}, error: (m: string) => err.push(m) };
    try {
      expect(await runTool(["diagram"], io, root)).toBe(1);
      expect(err[0]).toMatch(/^diagram: no cdktf\.out\/stacks\/.*; run `npm run synth` first$/);
      expect(await runTool(["diagram", "--fancy"], io, root)).toBe(2);
      const out: string[] = [];
      const help = { log: (m: string) => out.push(m), error: (m: string) => err.push(m) };
      expect(await runTool(["diagram", "--help"], help, root)).toBe(0);
      expect(await runTool(["fork:check", "--help"], help, root)).toBe(0);
      expect(out).toEqual([DIAGRAM_USAGE, FORK_CHECK_USAGE]);
      writeFileSync(join(root, "README.md"), "# no markers\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
