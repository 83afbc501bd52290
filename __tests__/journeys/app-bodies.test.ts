/**
 * Journey: a 60 MB POST through every adapter's real runtime (see
 * app/targets.ts) is refused with 413 before it is buffered. What is measured
 * is what serving the request added to the process's peak resident memory,
 * over the peak it had already reached before (started, and for in-process
 * adapters holding the platform's own copy of the request): a whole-process
 * figure would also count the runtime, the platform and the machine's load.
 * The fast tier checks the 413 itself on small bodies (app/hostile.test.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { buildFunctionBundle } from "../../app/build/bundles";
import { ORIGIN_SECRET_LENGTH } from "../../app/origin-secret";
import { BODY_LIMIT, ORIGIN_SECRET } from "../../lib/service";
import { extractBundle, TARGETS, unpackAzureBundle } from "../app/targets";

jest.setTimeout(60_000);

const SECRET = "hostileOriginSecret9b1e77c2d4".padEnd(ORIGIN_SECRET_LENGTH, "0"); // as generated
const HUGE = 60 * 1024 * 1024;
/** A server that buffered the body would grow by at least its 60 MB; one that refuses it first, by a few. */
const GROWTH_CEILING_MB = 20;

/** Peak resident memory of a process so far (Linux `VmHWM`), in MB. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** Streams `bytes` zeros to a server in 1 MiB chunks (never held whole by the client) and resolves with the status. */
function streamPost(base: string, bytes: number): Promise<number> {
  const { port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/echo",
        headers: {
          [ORIGIN_SECRET.header]: SECRET,
          "content-type": "application/octet-stream",
          "content-length": bytes,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => done(res.statusCode ?? 0));
      },
    );
    req.on("error", fail);
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe(`a ${HUGE / 1024 / 1024} MB POST with the default ${BODY_LIMIT.defaultBytes / 1024} KiB limit`, () => {
  it.each(TARGETS.filter((t) => t.runsAsProcess).map((t) => [t.name, t] as const))(
    "%s: 413, and the server process grows by less than a third of the body (the Functions Framework included: the adapter hides the body from its parsers)",
    async (_name, target) => {
      const running = await target.start({ [ORIGIN_SECRET.envVar]: SECRET });
      try {
        const pid = running.pid as number;
        const baseline = peakRssMb(pid);
        expect(await streamPost(running.base as string, HUGE)).toBe(413);
        expect(peakRssMb(pid) - baseline).toBeLessThan(GROWTH_CEILING_MB);
      } finally {
        await running.stop();
      }
    },
  );

  const fixture = join(__dirname, "..", "app", "fixtures", "oversize-in-process.cjs");
  it.each([
    ["aws-lambda", () => extractBundle(buildFunctionBundle("aws").path)],
    ["azure-functions", () => unpackAzureBundle().dir],
  ] as const)("%s handler: 413, and it adds less than a third of the body to its process", (name, unpack) => {
    const dir = unpack();
    try {
      const output = execFileSync(
        process.execPath,
        [fixture, name === "aws-lambda" ? "lambda" : "azure", dir, String(HUGE)],
        {
          env: { PATH: process.env.PATH ?? "", [ORIGIN_SECRET.envVar]: SECRET, AWS_REGION: "eu-west-1" },
          encoding: "utf8",
        },
      );
      const result = JSON.parse(output.trim().split("\n").pop() as string) as { status: number; growthMb: number };
      expect(result.status).toBe(413);
      expect(result.growthMb).toBeLessThan(GROWTH_CEILING_MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
