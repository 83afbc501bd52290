/** `npm run edge:signal`: the canary signal against a stand-in of Cloudflare's Analytics Engine SQL API on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signalCommand } from "../../ci/signal/cli";
import { company } from "../../environments";
import { edgeDatasetName } from "../../lib/edge/signal";
import { serviceSpecFor } from "../../lib/service";
import { captureIo, helpOf, runCommand } from "../../tools/command";
import { environmentConfig, environmentInput, filesOf } from "../helpers/environments";

const input = environmentInput();
const config = environmentConfig();
const dataset = edgeDatasetName(serviceSpecFor(config).name, config.name);
const TOKEN = "analytics-read-token-for-tests";

interface Seen {
  url: string;
  authorization?: string;
  body: string;
}

let server: Server;
let api: string;
let seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: { data: [] } };
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ url: req.url ?? "", authorization: req.headers.authorization, body });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

async function run(args: string[], env: Record<string, string> = { CLOUDFLARE_API_TOKEN: TOKEN }) {
  const io = captureIo({ env });
  const status = await runCommand(signalCommand(filesOf(input), company), args, io);
  return { status, out: io.stdout.replace(/\n$/, ""), err: io.stderr.replace(/\n$/, "") };
}

const row = (origin: string, attempts: number, failures: number) => ({
  origin,
  attempts,
  failures,
  failure_rate: failures / attempts,
  p99_ms: 100,
});

it("posts the SQL for the environment's dataset to its account, and passes when every origin is within the limit", async () => {
  answer = { status: 200, body: { data: [row("aws.function", 400, 1), row("gcp.container", 300, 0)] } };
  const result = await run([config.name, "--api", api, "--minutes", "30"]);
  expect(result.status).toBe(0);
  expect(seen).toEqual([
    {
      url: `/accounts/${config.cloudflare.accountId}/analytics_engine/sql`,
      authorization: `Bearer ${TOKEN}`,
      body: expect.stringContaining(`FROM ${dataset}\nWHERE timestamp > NOW() - INTERVAL '30' MINUTE`),
    },
  ]);
  expect(result.out).toMatch(/aws\.function\s+400 attempts\s+0\.25% failed .* ok/);
  expect(result.out).not.toContain(TOKEN);
});

it("fails when an origin's failure rate is above the limit (default: the objective's fast-burn rate)", async () => {
  answer = { status: 200, body: { data: [row("aws.function", 400, 40), row("gcp.container", 300, 0)] } };
  const result = await run([config.name, "--api", api]);
  expect(result.status).toBe(1);
  expect(result.err).toMatch(/aws\.function fail above 1\.44% over the last 15 minutes/);
  expect((await run([config.name, "--api", api, "--max-failure-rate", "0.2"])).status).toBe(0);
});

it("explains a refused query, a missing token and bad usage", async () => {
  answer = { status: 403, body: { errors: [{ message: "Authentication error" }] } };
  const refused = await run([config.name, "--api", api]);
  expect([refused.status, refused.err]).toEqual([1, expect.stringMatching(/Cloudflare answered 403/)]);
  const noToken = await run([config.name, "--api", api], {});
  expect([noToken.status, noToken.err]).toEqual([1, expect.stringMatching(/CLOUDFLARE_API_TOKEN is not set/)]);
  expect((await run([])).status).toBe(2);
  expect((await run([config.name, "--minutes"])).status).toBe(2);
  expect((await run([`${config.name}-unknown`])).status).toBe(2);
  expect(seen).toHaveLength(1);
});

it("prints the SQL without calling Cloudflare, and its help", async () => {
  const sql = await run([config.name, "--sql", "--origin", "aws.container", "--api", api], {});
  expect(sql.status).toBe(0);
  expect(sql.out).toContain("blob1 = 'aws.container'");
  expect(seen).toEqual([]);
  expect((await run(["--help"])).out).toBe(helpOf(signalCommand(filesOf(input), company)));
});
