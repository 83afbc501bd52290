import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { RELEASE } from "../../ci/release/main";
import { company, environments } from "../../environments";
import { loadConfiguration } from "../../lib/config/load";
import { ORIGINS } from "../../lib/config/schema";
import { edgeDatasetName } from "../../lib/edge/signal";
import { ORIGIN_SECRET, SERVICE, serviceSpecFor } from "../../lib/service";
import { captureIo, runProgram } from "../../tools/command";
import { itWhen } from "../helpers/clouds";
import { scratchDir } from "../helpers/scratch";

// Each failing case polls until its bounded wait (FAILING, 0.6 s) is over; three of them at once (waitingCases).
jest.setTimeout(30_000);

const CONFIGS = loadConfiguration(environments, company).configs;
const ENV = CONFIGS[0].name;
/** An environment with a canary, whose verify also runs the canary analysis. */
const CANARY = CONFIGS.find((c) => c.canaryPercent > 0);
const CANARY_ENV = CANARY?.name ?? ENV;
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
      // A "down" target keeps its port until every server of the case is listening (outputsFile closes it):
      // a port freed at once could be handed to the next server of the same case, which would then answer.
      resolve({ url, server });
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
  const started = { ...(await target(edge, false)), behaviour: edge };
  servers.push(started.server);
  const urls: Record<string, string> = {};
  const targets: Record<string, { url: string; server: Server; behaviour: Behaviour }> = {};
  for (const id of ORIGINS) {
    const behaviour = origins[id] ?? "new";
    const t = { ...(await target(behaviour, true)), behaviour };
    servers.push(t.server);
    urls[id] = t.url;
    targets[id] = t;
  }
  const down = [started, ...Object.values(targets)].filter((t) => t.behaviour === "down");
  await Promise.all(down.map((t) => new Promise<void>((resolve) => t.server.close(() => resolve()))));
  const file = join(scratchDir("verify"), "outputs.json");
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
// Small, so three cases wait out little, yet a few polls long: a healthy target whose first answer is late on a
// loaded machine still gets its retries.
const FAILING = ["--timeout", "0.6", "--interval", "0.1", "--request-timeout", "0.25"];

async function run(
  file: string,
  waits: string[] = FAILING,
  extra: string[] = ["--no-analysis"],
  env = ENV,
  vars: NodeJS.ProcessEnv = {},
) {
  const io = captureIo({ env: vars });
  const args = ["verify", "--env", env, "--release", NEW.id, "--digest", NEW.digest, "--outputs", file];
  const code = await runProgram(RELEASE, [...args, ...waits, ...extra], io);
  return { code, out: io.stdout.replace(/\n$/, ""), err: io.stderr.replace(/\n$/, "") };
}

/**
 * The three cases that wait out their deadline (FAILING), run at once so their waits overlap rather than
 * add up (~1.2 s of a jest worker's time): each has its own targets and deadline, and the first of their
 * tests waits for all three, so afterEach closes no server a run still polls. The edge that is down is
 * set up last, once every other server listens: no server can be handed the port it freed.
 */
let waiting: Promise<Record<"old" | "hang" | "down", Awaited<ReturnType<typeof run>> & { ms: number }>> | undefined;
function waitingCases() {
  waiting ??= (async () => {
    const old = await outputsFile("new", { "azure.container": "old" });
    const hang = await outputsFile("new", { "gcp.function": "hang" });
    const down = await outputsFile("down", {});
    const timed = async (file: string) => {
      const started = Date.now();
      return { ...(await run(file)), ms: Date.now() - started };
    };
    const [oldResult, hangResult, downResult] = await Promise.all([timed(old), timed(hang), timed(down)]);
    return { old: oldResult, hang: hangResult, down: downResult };
  })();
  return waiting;
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
    const { old: result } = await waitingCases();
    expect(result.code).toBe(1);
    expect(row(result.out, "azure.container")).toContain("FAIL: release old-release, expected new-release");
    expect(row(result.out, "aws.function")).toMatch(/ ok$/);
    expect(result.err).toContain("1 of 7 targets do not serve release new-release: azure.container");
  });

  it("fails an origin that does not answer within the bounded wait", async () => {
    const { hang: result } = await waitingCases();
    expect(result.code).toBe(1);
    expect(row(result.out, "gcp.function")).toContain("FAIL: no answer within 250 ms");
    // Bounded: the 0.6 s deadline plus one request limit, with room for a loaded machine.
    expect(result.ms).toBeLessThan(10_000);
  });

  it("fails when the edge is down", async () => {
    const { down: result } = await waitingCases();
    expect(result.code).toBe(1);
    expect(row(result.out, "edge")).toMatch(/FAIL: unreachable \(ECONNREFUSED\)/);
    expect(row(result.out, "gcp.container")).toMatch(/ ok$/);
  });

  it("refuses bad usage with exit 2, the message and the usage line", async () => {
    const bad = captureIo();
    expect(await runProgram(RELEASE, ["verify", "--env", "no-such-env-x1"], bad)).toBe(2);
    expect(bad.stderr).toMatch(
      /^release verify: unknown environment "no-such-env-x1"; known: .*\nUsage: npm run release:verify -- /,
    );
    const io = captureIo();
    expect(await runProgram(RELEASE, ["verify", "--env", ENV, "--release", "x"], io)).toBe(2);
    expect(io.stderr.split("\n")[0]).toMatch(/^release verify: pass --outputs <file>/);
  });
});

/** A stand-in for Cloudflare's Analytics Engine SQL API: records the queries, answers `rows`. */
async function analyticsApi(rows: Record<string, unknown>[], status = 200) {
  const queries: { path: string; auth: string; sql: string }[] = [];
  const server = createServer((req, res) => {
    let sql = "";
    req.on("data", (chunk) => {
      sql += chunk;
    });
    req.on("end", () => {
      queries.push({ path: req.url ?? "", auth: String(req.headers.authorization), sql });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ data: rows }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`, queries };
}

const NO_CANARY = "no environment has a canary (canaryPercent > 0)";

describe("release verify: canary analysis", () => {
  const analysis = ["--bake", "0", "--analysis-wait", "0.3", "--analysis-interval", "0.1"];
  const rows = (failing?: string) =>
    ORIGINS.map((origin) => ({
      origin,
      attempts: 4000,
      failures: origin === failing ? 90 : 0,
      failure_rate: origin === failing ? 90 / 4000 : 0,
      p99_ms: 80,
      release_attempts: 300,
    }));

  itWhen(CANARY !== undefined, NO_CANARY)(
    "reads the new release's canary only and passes within the objectives",
    async () => {
      const config = CANARY ?? CONFIGS[0];
      const api = await analyticsApi(rows());
      const result = await run(await outputsFile("new", {}), PASSING, analysis, config.name, {
        CLOUDFLARE_API_TOKEN: "analytics-token",
        CLOUDFLARE_API_URL: api.url,
      });
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(api.queries[0].path).toBe(`/client/v4/accounts/${config.cloudflare.accountId}/analytics_engine/sql`);
      expect(api.queries[0].auth).toBe("Bearer analytics-token");
      expect(api.queries[0].sql).toContain(`FROM ${edgeDatasetName(serviceSpecFor(config).name, config.name)}`);
      expect(api.queries[0].sql).toContain(`blob4 = '${NEW.id}' AND blob5 = 'canary'`);
      expect(result.out).toContain(`Canary of release ${NEW.id} passed`);
    },
  );

  itWhen(CANARY !== undefined, NO_CANARY)(
    "fails with the table when an origin fails the new release's requests",
    async () => {
      const api = await analyticsApi(rows("gcp.container"));
      const result = await run(await outputsFile("new", {}), PASSING, analysis, CANARY_ENV, {
        CLOUDFLARE_API_TOKEN: "analytics-token",
        CLOUDFLARE_API_URL: api.url,
      });
      expect(result.code).toBe(1);
      // 90 failures over 4000 attempts is 2.25%; over the 300 answers of the new release it is 30%.
      const analysed = result.out
        .split("\n")
        .filter((line) => line.startsWith("gcp.container "))
        .at(-1);
      expect(analysed).toMatch(/ 300 +4000 +90 +30\.00% +80 +FAIL: failure rate 30\.00% > /);
      expect(result.err).toContain(
        `canary of release ${NEW.id} on ${CANARY_ENV} failed: the new release fails on gcp.container`,
      );
    },
  );

  itWhen(CANARY !== undefined, NO_CANARY)(
    "fails clearly without samples, without a token, or when Cloudflare refuses",
    async () => {
      const empty = await analyticsApi([]);
      const vars = { CLOUDFLARE_API_TOKEN: "analytics-token", CLOUDFLARE_API_URL: empty.url };
      const none = await run(await outputsFile("new", {}), PASSING, analysis, CANARY_ENV, vars);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/failed: (not enough traffic to judge|no origin is routed to)/);
      expect(empty.queries.length).toBeGreaterThan(1);

      const noToken = await run(await outputsFile("new", {}), PASSING, analysis, CANARY_ENV, {});
      expect([noToken.code, noToken.err]).toEqual([2, expect.stringContaining("set CLOUDFLARE_API_TOKEN")]);

      const refused = await analyticsApi([], 403);
      const denied = await run(await outputsFile("new", {}), PASSING, analysis, CANARY_ENV, {
        ...vars,
        CLOUDFLARE_API_URL: refused.url,
      });
      expect([denied.code, denied.err]).toEqual([1, expect.stringContaining("Cloudflare answered 403")]);
    },
  );
});
