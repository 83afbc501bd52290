/**
 * The rehearsal's stand-in for the deployed service: one loopback HTTP
 * server answering for every environment's edge and origins at
 * `<url>/<env>/<edge|origin id>`, the URLs the tofu stub writes into each
 * state's outputs. What a target serves is what the last apply of that
 * state deployed (its `release_deployed` output), so verify sees the release
 * a deploy, promote or rollback really put there. Origins ask for the origin
 * secret from state, like the real ones.
 *
 * It also stands in for Cloudflare's Analytics Engine SQL API (at
 * `<url>/cloudflare/client/v4`, tests and rehearsals only): the canary
 * analysis of verify:<env> asks it for one release's canary step, and it
 * answers as the edge's dataset would after a bake with steady traffic, but
 * only when the query names the release and step that environment's state
 * deployed: a query for another release gets no rows, as Cloudflare would
 * give none.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import type { FakeGitLab } from "./fake-gitlab";

export interface WorldOptions {
  /** An origin (`aws.function`, ...) that fails its health check while it serves a canary. @default - none */
  readonly failingOrigin?: string;
  /**
   * An origin whose canary answers its probes but fails real requests: the edge's signal shows the new
   * release failing there (30% of its answers). @default - none
   */
  readonly failingCanary?: string;
  /** States kept in an environment's own cloud (backend `cloud`), read before GitLab's. @default - none */
  readonly cloudStates?: () => ReadonlyMap<string, unknown>;
}

/** What the edge's dataset holds per origin after a bake, in the world: 2000 attempts, 200 from the new release. */
export const WORLD_SIGNAL = { attempts: 2000, releaseAttempts: 200, failingShare: 0.3, p99Ms: 140 } as const;

/** The API base the canary analysis is pointed at (`CLOUDFLARE_API_URL`). */
export const ANALYTICS_PATH = "/cloudflare/client/v4";

export interface World {
  readonly url: string;
  /** Requests served, per `<env>/<target>`. */
  readonly hits: Map<string, number>;
  /** SQL queries the fake Analytics Engine API answered, in order. */
  readonly queries: string[];
  close(): Promise<void>;
}

interface Deployed {
  readonly id?: string;
  readonly digest?: string;
  readonly step?: string;
}

type StateOutputs = { outputs?: Record<string, { value?: unknown }> } | undefined;

/** An environment's state: in its own cloud (backend `cloud`) when the rehearsal keeps one there, else GitLab's. */
function stateOf(gitlab: FakeGitLab, environment: string, options: WorldOptions): StateOutputs {
  return (options.cloudStates?.().get(environment) ?? gitlab.states.get(environment)?.state) as StateOutputs;
}

/** Every environment with a state, in either store. */
function environmentsWithState(gitlab: FakeGitLab, options: WorldOptions): string[] {
  return [...new Set([...(options.cloudStates?.().keys() ?? []), ...gitlab.states.keys()])];
}

function deployedOf(
  gitlab: FakeGitLab,
  environment: string,
  options: WorldOptions,
): { deployed?: Deployed; secret?: string } {
  const state = stateOf(gitlab, environment, options);
  return {
    deployed: state?.outputs?.release_deployed?.value as Deployed | undefined,
    secret: state?.outputs?.origin_secret?.value as string | undefined,
  };
}

/** The fake SQL API's answer to `sql` (see the file comment). */
function analyticsRows(gitlab: FakeGitLab, sql: string, options: WorldOptions): Record<string, unknown>[] {
  const dataset = /FROM (\w+)/.exec(sql)?.[1] ?? "";
  const release = /blob4 = '([^']*)'/.exec(sql)?.[1];
  const step = /blob5 = '([^']*)'/.exec(sql)?.[1];
  const environment = environmentsWithState(gitlab, options).find((name) =>
    dataset.endsWith(`_${name.replace(/[^A-Za-z0-9_]/g, "_")}_edge`),
  );
  if (environment === undefined) return [];
  const { deployed } = deployedOf(gitlab, environment, options);
  if (deployed?.id === undefined || deployed.id !== release || deployed.step !== step) return [];
  const state = stateOf(gitlab, environment, options);
  const origins = Object.keys((state?.outputs?.origins?.value as Record<string, string> | undefined) ?? {}).sort();
  return origins.map((origin) => {
    const failures = origin === options.failingCanary ? WORLD_SIGNAL.releaseAttempts * WORLD_SIGNAL.failingShare : 0;
    return {
      origin,
      attempts: WORLD_SIGNAL.attempts,
      failures,
      failure_rate: failures / WORLD_SIGNAL.attempts,
      p99_ms: WORLD_SIGNAL.p99Ms,
      release_attempts: WORLD_SIGNAL.releaseAttempts,
    };
  });
}

export async function startWorld(gitlab: FakeGitLab, options: WorldOptions = {}): Promise<World> {
  const hits = new Map<string, number>();
  const queries: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith(`${ANALYTICS_PATH}/accounts/`) && url.pathname.endsWith("/analytics_engine/sql")) {
      let sql = "";
      req.on("data", (chunk) => {
        sql += chunk;
      });
      req.on("end", () => {
        queries.push(sql);
        const authorized = /^Bearer \S+$/.test(req.headers.authorization ?? "");
        res.writeHead(authorized ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify(authorized ? { data: analyticsRows(gitlab, sql, options) } : { errors: ["no token"] }));
      });
      return;
    }
    const [, environment, target, ...rest] = url.pathname.split("/");
    const path = `/${rest.join("/")}`;
    const key = `${environment}/${target}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    const { deployed, secret } = deployedOf(gitlab, environment, options);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (deployed?.id === undefined) return answer(404, { error: `nothing deployed to ${environment}` });
    if (target !== "edge" && req.headers[ORIGIN_SECRET.header] !== secret)
      return answer(403, { error: "no origin secret" });
    const failing = target === options.failingOrigin && deployed.step === "canary";
    if (path === SERVICE.healthPath)
      return failing ? answer(500, { status: "failing" }) : answer(200, { status: "ok" });
    if (path === "/") {
      if (failing) return answer(500, { error: "canary failing" });
      return answer(200, { release: { id: deployed.id, digest: deployed.digest }, origin: target });
    }
    return answer(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    queries,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
