/**
 * The rehearsal's stand-in for the deployed service: one loopback HTTP
 * server answering for every environment's edge and origins at
 * `<url>/<env>/<edge|origin id>`, the URLs the tofu stub writes into each
 * state's outputs. What a target serves is what the last apply of that
 * state deployed (its `release_deployed` output), so verify sees the release
 * a deploy, promote or rollback really put there. Origins ask for the origin
 * secret from state, like the real ones.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ORIGIN_SECRET, SERVICE } from "../../lib/service";
import type { FakeGitLab } from "./fake-gitlab";

export interface WorldOptions {
  /** An origin (`aws.function`, ...) that fails its health check while it serves a canary. @default - none */
  readonly failingOrigin?: string;
  /** States kept in an environment's own cloud (backend `cloud`), read before GitLab's. @default - none */
  readonly cloudStates?: () => ReadonlyMap<string, unknown>;
}

export interface World {
  readonly url: string;
  /** Requests served, per `<env>/<target>`. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

interface Deployed {
  readonly id?: string;
  readonly digest?: string;
  readonly step?: string;
}

function deployedOf(
  gitlab: FakeGitLab,
  environment: string,
  cloudStates?: () => ReadonlyMap<string, unknown>,
): { deployed?: Deployed; secret?: string } {
  const state = (cloudStates?.().get(environment) ?? gitlab.states.get(environment)?.state) as
    | { outputs?: Record<string, { value?: unknown }> }
    | undefined;
  return {
    deployed: state?.outputs?.release_deployed?.value as Deployed | undefined,
    secret: state?.outputs?.origin_secret?.value as string | undefined,
  };
}

export async function startWorld(gitlab: FakeGitLab, options: WorldOptions = {}): Promise<World> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, environment, target, ...rest] = url.pathname.split("/");
    const path = `/${rest.join("/")}`;
    const key = `${environment}/${target}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    const { deployed, secret } = deployedOf(gitlab, environment, options.cloudStates);
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
