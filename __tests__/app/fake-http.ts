/**
 * A loopback stand-in for a platform endpoint a workload calls (a secrets
 * extension, an identity endpoint, a vault): real HTTP on an ephemeral port,
 * each GET recorded, each answered by the test's `answer`.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCall {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body: string;
}

/** Listens on `host` (the name the workload dials); `base` is the URL to hand it. */
export async function startFakeHttp(answer: (call: FakeCall) => FakeAnswer, host = "127.0.0.1") {
  const calls: FakeCall[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const call = { path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers };
    calls.push(call);
    const { status, body } = answer(call);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, host, done));
  const port = (server.address() as AddressInfo).port;
  return {
    calls,
    port,
    base: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
