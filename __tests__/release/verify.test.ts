import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../ci/release/main";
import { company, environments } from "../../environments";
import { loadConfiguration } from "../../lib/config/load";
import { ORIGINS } from "../../lib/config/schema";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";

// Each failing case polls until its bounded wait (FAILING, 1 s) is over.
jest.setTimeout(30_000);

const ENV = loadConfiguration(environments, company).configs[0].name;
const NEW = { id: "new-release", digest: `sha256:${"1".repeat(64)}` };
const OLD = { id: "old-release", digest: `sha256:${"0".repeat(64)}` };
const SECRET = "verify-test-secret";

type Behaviour = "new" | "old" | "hang" | "down";

/** A local stand-in for one target: the workload's health path and `GET /`, the origin secret checked. */
function target(behaviour: Behaviour, checkSecret: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (behaviour === "hang") return; // never answers
    if (req.url === SERVICE.healthPath) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (checkSecret && req.headers[ORIGIN_SECRET.header] !== SECRET) {
      res.writeHead(403).end();
      return;
    }
    const release = behaviour === "old" ? OLD : NEW;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ service: "verify-test", release }));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (behaviour === "down") server.close(() => resolve({ url, server }));
      else resolve({ url, server });
    }),
  );
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** `tofu output -json` of a deployed environment whose edge and origins behave as given. */
async function outputsFile(edge: Behaviour, origins: Partial<Record<string, Behaviour>>): Promise<string> {
  const started = await target(edge, false);
  servers.push(started.server);
  const urls: Record<string, string> = {};
  for (const id of ORIGINS) {
    const t = await target(origins[id] ?? "new", true);
    servers.push(t.server);
    urls[id] = t.url;
  }
  const file = join(mkdtempSync(join(tmpdir(), "verify-")), "outputs.json");
  const outputs = {
    edge_url: { value: started.url },
    origins: { value: urls },
    origin_secret: { value: SECRET, sensitive: true },
  };
  writeFileSync(file, JSON.stringify(outputs));
  return file;
}

/** Waits of a case that passes at once (generous, never waited out) and of one that must wait its deadline out. */
const PASSING = ["--timeout", "4", "--interval", "0.2", "--request-timeout", "1.5"];
const FAILING = ["--timeout", "1", "--interval", "0.1", "--request-timeout", "0.5"];

async function run(file: string, waits: string[] = FAILING) {
  const out: string[] = [];
  const err: string[] = [];
  const env = ENV;
  const args = ["verify", "--env", env, "--release", NEW.id, "--digest", NEW.digest, "--outputs", file];
  const code = await main([...args, ...waits], { out: (t) => out.push(t), err: (t) => err.push(t) }, {});
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The table row of one target. */
const row = (out: string, name: string) => out.split("\n").find((line) => line.startsWith(`${name} `)) ?? "";

describe("release verify", () => {
  it("passes when the edge and all six origins answer healthy with the new release", async () => {
    const result = await run(await outputsFile("new", {}), PASSING);
    expect(result.code).toBe(0);
    for (const name of ["edge", ...ORIGINS]) expect(row(result.out, name)).toMatch(/ 200 +new-release +\d+ +ok$/);
    expect(result.out).toContain("All 7 targets serve release new-release.");
  });

  it("fails naming the origin still on the old release, the others ok", async () => {
    const result = await run(await outputsFile("new", { "azure.container": "old" }));
    expect(result.code).toBe(1);
    expect(row(result.out, "azure.container")).toContain("FAIL: release old-release, expected new-release");
    expect(row(result.out, "aws.function")).toMatch(/ ok$/);
    expect(result.err).toContain("1 of 7 targets do not serve release new-release: azure.container");
  });

  it("fails an origin that does not answer within the bounded wait", async () => {
    const started = Date.now();
    const result = await run(await outputsFile("new", { "gcp.function": "hang" }));
    expect(result.code).toBe(1);
    expect(row(result.out, "gcp.function")).toContain("FAIL: no answer within 500 ms");
    // Bounded: the 1 s deadline plus one request limit, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("fails when the edge is down", async () => {
    const result = await run(await outputsFile("down", {}));
    expect(result.code).toBe(1);
    expect(row(result.out, "edge")).toMatch(/FAIL: unreachable \(ECONNREFUSED\)/);
    expect(row(result.out, "gcp.container")).toMatch(/ ok$/);
  });

  it("refuses bad input with one line and exit 2", async () => {
    const bad = await main(["verify", "--env", "no-such-env-x1"], { out: () => {}, err: () => {} }, {});
    expect(bad).toBe(2);
    const lines: string[] = [];
    const code = await main(
      ["verify", "--env", ENV, "--release", "x"],
      {
        out: () => {},
        err: (t) => lines.push(t),
      },
      {},
    );
    expect(code).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/pass --outputs <file>/)]);
  });
});
