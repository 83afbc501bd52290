/**
 * The container: the server process's shutdown, its health check, and the
 * Dockerfile's key properties (Docker itself is not available to the tests).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { CONTAINER_DIR } from "../../app/build/bundles";
import { CONTAINER_HEALTHCHECK_COMMAND, CONTAINER_PORT, CONTAINER_SERVER_PATH } from "../../app/contract";
import { SERVICE } from "../../lib/service";
import { dockerStages } from "../helpers/dockerfile";
import { containerFiles, freePort, startChild, startContainerServer } from "./targets";

const ROOT = resolve(__dirname, "..", "..");

describe("container server process", () => {
  it("on SIGTERM finishes the request in flight, refuses new connections, and exits 0", async () => {
    const { child, base, dir } = await startContainerServer({ ALLOW_MISSING_ORIGIN_SECRET: "true" });
    try {
      const { port } = new URL(base);
      // A POST whose body is still arriving when SIGTERM comes.
      const inFlight = new Promise<{ status: number; body: string }>((done, fail) => {
        const req = request(
          { port, method: "POST", path: "/echo", headers: { "content-type": "text/plain" } },
          (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (chunk: string) => {
              body += chunk;
            });
            res.on("end", () => done({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", fail);
        req.write("first half, ");
        setTimeout(() => {
          child.process.kill("SIGTERM");
          setTimeout(() => req.end("second half"), 300);
        }, 200);
      });
      await child.waitForLine((line) => line.includes('"draining"'));
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();

      const response = await inFlight;
      const answered = Date.now();
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).text).toBe("first half, second half");
      expect(await child.exited).toBe(0);
      // Its keep-alive connection is closed right after the response, not after the idle timeout.
      expect(Date.now() - answered).toBeLessThan(2_000);
      expect(child.lines.map((line) => JSON.parse(line).msg)).toEqual(["listening", "draining", "request", "stopped"]);
      expect(JSON.parse(child.lines[3])).toEqual(expect.objectContaining({ drained: true }));
    } finally {
      child.process.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);

  it("does not wait for idle keep-alive connections", async () => {
    const { child, base, dir } = await startContainerServer({});
    try {
      // fetch keeps this connection open after the response.
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const started = Date.now();
      child.process.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 with one JSON error line when PORT is not a port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "workload-container-"));
    try {
      const child = startChild(process.execPath, [containerFiles(dir).server], { PORT: "eighty" }, dir);
      expect(await child.exited).toBe(1);
      expect(JSON.parse(child.stderr())).toEqual(
        expect.objectContaining({ msg: "failed to start", error: expect.stringContaining('PORT="eighty"') }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("container health check", () => {
  const run = (dir: string, port: number) =>
    new Promise<number | null>((done) => {
      const check = spawn(process.execPath, [join(dir, "healthcheck.js")], {
        env: { PATH: process.env.PATH ?? "", PORT: String(port) },
        stdio: "ignore",
      });
      check.on("exit", (code) => done(code));
    });

  it("exits 0 while the server answers the health path, 1 when nothing listens", async () => {
    // Even with ORIGIN_SECRET set: the health path stays open.
    const { child, base, dir } = await startContainerServer({ ORIGIN_SECRET: "s" });
    try {
      expect(await run(dir, Number(new URL(base).port))).toBe(0);
      expect(await run(dir, await freePort())).toBe(1);
    } finally {
      child.process.kill("SIGTERM");
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    }
    // Three node processes start one after the other: jest's 5 s default was missed on a 2-core machine at load 30.
  }, 30_000);
});

describe("Dockerfile", () => {
  const stages = dockerStages(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
  const build = stages[0];
  const runtime = stages[stages.length - 1];
  const all = (op: string) => runtime.instructions.filter((i) => i.op === op).map((i) => i.args);

  it("is multi-stage, every base image with an explicit tag other than latest, pinned by digest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^[^\s:]+:(?!latest\b)[\w.-]+@sha256:[0-9a-f]{64}(\s|$)/);
  });

  it("builds with the repository's own lockfile install and build:app script", () => {
    const runs = build.instructions.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
    expect(runs).toContain("npm run build:app");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["build:app"]).toBeDefined();
  });

  it("runs Node 22 slim or distroless", () => {
    expect(runtime.from).toMatch(/^(gcr\.io\/distroless\/nodejs22-debian\d+|node:22[\w.-]*-slim)\b/);
  });

  it("copies only the built server and health check into the runtime: no sources, no node_modules, no npm", () => {
    const copies = all("COPY").concat(all("ADD"));
    expect(copies).toHaveLength(1);
    const outdir = relative(ROOT, CONTAINER_DIR);
    expect(copies[0]).toBe(`--from=build /src/${outdir}/server.js /src/${outdir}/healthcheck.js /app/`);
    expect(all("RUN")).toEqual([]);
    expect(JSON.stringify(runtime.instructions)).not.toMatch(/node_modules|npm /);
  });

  it("runs as a non-root user", () => {
    const users = all("USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it("listens on the service's container port and exposes it", () => {
    expect(CONTAINER_PORT).toBe(SERVICE.containerPort);
    expect(all("EXPOSE")).toEqual([String(SERVICE.containerPort)]);
    expect(all("ENV").join(" ")).toMatch(new RegExp(`\\bPORT=${SERVICE.containerPort}\\b`));
  });

  it("starts the server and checks health with the commands the cloud targets import", () => {
    expect(all("CMD")).toEqual([JSON.stringify([CONTAINER_SERVER_PATH]).replace(/,/g, ", ")]);
    const healthcheck = all("HEALTHCHECK");
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toContain(`CMD ${JSON.stringify(CONTAINER_HEALTHCHECK_COMMAND).replace(/,/g, ", ")}`);
    // The health check script lands where the command looks for it.
    expect(CONTAINER_HEALTHCHECK_COMMAND[1]).toBe("/app/healthcheck.js");
    expect(CONTAINER_SERVER_PATH).toBe("/app/server.js");
  });

  it("has a .dockerignore keeping installs, builds, state and secrets out of the context", () => {
    const ignored = readFileSync(join(ROOT, ".dockerignore"), "utf8").split(/\r?\n/);
    for (const entry of ["node_modules", ".git", "dist", "cdktf.out", "*.tfstate", ".env", ".env.*"]) {
      expect(ignored).toContain(entry);
    }
  });
});
