/**
 * The five ways the workload is served, each started with its real runtime
 * library from the artifact that ships (the zips, the container file, the
 * Worker module), behind one interface so the contract suite can send the
 * same requests to all of them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { HttpRequest, HttpResponse, type HttpResponseInit, InvocationContext } from "@azure/functions";
import { unzipSync } from "fflate";
import { Miniflare } from "miniflare";
import {
  AZURE_FUNCTION_NAME,
  buildContainer,
  buildFunctionBundle,
  buildWorkerScript,
  type ContainerFiles,
  type FunctionCloud,
  GCP_ENTRY_POINT,
  LAMBDA_HANDLER,
} from "../../app/build/bundles";
import type { Cloud, TargetKind } from "../../lib/config/schema";
import { scratchDir } from "../helpers/scratch";

const ROOT = resolve(__dirname, "..", "..");

export interface ContractRequest {
  readonly method: string;
  /** Path with query string, e.g. `/echo?a=1`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** `name=value` pairs; each target delivers them its platform's way (header or Lambda `cookies`). */
  readonly cookies?: readonly string[];
  readonly body?: Uint8Array | string;
}

export interface ContractResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface RunningTarget {
  send(request: ContractRequest): Promise<ContractResponse>;
  /** Every line the workload wrote to stdout so far. */
  logLines(): readonly string[];
  /** Stops the target; resolves with the process exit code for targets that run as a process. */
  stop(): Promise<number | null | undefined>;
  /** The server's process id and base URL, for targets that run as a process. */
  readonly pid?: number;
  readonly base?: string;
}

export interface Target {
  readonly name: string;
  /**
   * The stack's target this runtime stands for: the contract suite starts it
   * with exactly the variables that target sets (`workloadEnvironment`), so a
   * variable a target fails to set fails here too. The Worker is not one of
   * the stack's targets.
   * @default - not deployed by the stack: the suite passes the variables itself
   */
  readonly deployedAs?: { readonly cloud: Cloud; readonly kind: TargetKind };
  /**
   * What `GET /` must report. `region` only where the platform decides it
   * (the Worker's colo); a deployed target reports the region it was given.
   */
  readonly expected: { readonly cloud: string; readonly target: string; readonly region?: string };
  /** What the platform itself sets (never what a target sets): process env for Node targets, bindings for the Worker. */
  readonly platformEnv: Readonly<Record<string, string>>;
  /** A separate process, which must exit 0 on SIGTERM. */
  readonly runsAsProcess: boolean;
  start(common: Readonly<Record<string, string>>): Promise<RunningTarget>;
}

const toBytes = (body: Uint8Array | string | undefined): Uint8Array | undefined =>
  typeof body === "string" ? new TextEncoder().encode(body) : body;

function headersWithCookies(request: ContractRequest): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.cookies !== undefined && request.cookies.length > 0) headers.cookie = request.cookies.join("; ");
  return headers;
}

/** Unzips a function bundle into `dir`, by default a fresh temporary folder (ignored by the jest transform, see jest.config.js). */
export function extractBundle(zipPath: string, dir = mkdtempSync(join(tmpdir(), "workload-bundle-"))): string {
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** Each cloud's zip as unpacked for the targets' starts, by zip path and hash (see unpackedForStarts). */
const unpackedOnce = new Map<string, string>();

/**
 * `cloud`'s zip unpacked once per jest file for every start of its target, with `prepare` adding what
 * the platform puts beside it: each start loads the files in a fresh module registry or process and
 * none writes to them, so a folder unpacked and removed per start (about 60 in the app suite) is
 * spared. A scratch folder: removed when the jest file ends (helpers/scratch.ts).
 */
function unpackedForStarts(cloud: FunctionCloud, prepare: (dir: string) => void = () => {}): string {
  const { path, sha256 } = buildFunctionBundle(cloud);
  const key = `${path} ${sha256}`;
  let dir = unpackedOnce.get(key);
  if (dir === undefined) {
    dir = extractBundle(path, scratchDir("workload-bundle"));
    prepare(dir);
    unpackedOnce.set(key, dir);
  }
  return dir;
}

/** Sets variables for an in-process runtime and returns a function restoring the previous values. */
export function withProcessEnv(env: Readonly<Record<string, string>>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

interface Loaded {
  /** The modules, in the order asked, from one fresh module registry. */
  readonly modules: unknown[];
  /** Lines the workload wrote with console.log. */
  readonly logs: string[];
  /** Gives console.log back. */
  readonly release: () => void;
}

/** Stops an in-process target: gives console.log back (its unpacked bundle serves the next start). */
function stopInProcess(release: () => void): () => Promise<undefined> {
  return async () => {
    release();
    return undefined;
  };
}

/** Loads a bundle's files in a fresh module registry, as on a cold start, capturing what it logs. */
function loadInProcess(files: readonly string[], env: Readonly<Record<string, string>>): Loaded {
  const logs: string[] = [];
  // Keep the workload's lines for the assertions, and out of the test output.
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(" "));
  });
  const restoreEnv = withProcessEnv(env);
  try {
    const modules: unknown[] = [];
    jest.isolateModules(() => {
      for (const file of files) modules.push(require(file));
    });
    return { modules, logs, release: () => spy.mockRestore() };
  } finally {
    // Adapters read the environment once, at load.
    restoreEnv();
  }
}

// ---------------------------------------------------------------- AWS Lambda

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

const API_DOMAIN = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";

/** An API Gateway HTTP API payload 2.0 event, as API Gateway sends it (cookies split out, query also parsed). */
export function httpApiEvent(request: ContractRequest): Record<string, unknown> {
  const url = new URL(request.path, `https://${API_DOMAIN}`);
  const body = toBytes(request.body);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys()))
    queryStringParameters[key] = url.searchParams.getAll(key).join(",");
  const headers: Record<string, string> = {
    accept: "*/*",
    host: API_DOMAIN,
    "user-agent": "contract-test",
    "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678",
    "x-forwarded-for": "203.0.113.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  if (body !== undefined) headers["content-length"] = String(body.byteLength);
  const textual = /^(text\/|application\/json)/.test(headers["content-type"] ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(request.cookies !== undefined ? { cookies: [...request.cookies] } : {}),
    headers,
    ...(url.search !== "" ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      domainName: API_DOMAIN,
      domainPrefix: "a1b2c3d4e5",
      http: {
        method: request.method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "contract-test",
      },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: "$default",
      stage: "$default",
      time: "26/Nov/2026:03:40:00 +0000",
      timeEpoch: 1795664400000,
    },
    // HTTP APIs pass text bodies as they are and base64-encode the rest.
    ...(body !== undefined
      ? textual
        ? { body: new TextDecoder().decode(body), isBase64Encoded: false }
        : { body: Buffer.from(body).toString("base64"), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "shop-test-function",
  functionVersion: "1",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:shop-test-function:live",
  memoryLimitInMB: "512",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  logGroupName: "/aws/lambda/shop-test-function",
  logStreamName: "2026/11/26/[1]abcdef",
  getRemainingTimeInMillis: () => 15_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** What API Gateway makes of a payload 2.0 result. */
function fromLambdaResult(result: LambdaResult): ContractResponse {
  const headers = new Headers(result.headers);
  for (const cookie of result.cookies ?? []) headers.append("set-cookie", cookie);
  const body = result.body ?? "";
  return {
    status: result.statusCode,
    headers,
    body:
      result.isBase64Encoded === true ? new Uint8Array(Buffer.from(body, "base64")) : new TextEncoder().encode(body),
  };
}

const lambda: Target = {
  name: "aws-lambda",
  runsAsProcess: false,
  deployedAs: { cloud: "aws", kind: "function" },
  platformEnv: { AWS_REGION: "eu-west-1", AWS_LAMBDA_FUNCTION_NAME: "shop-test-function" },
  expected: { cloud: "aws", target: "function" },
  async start(common) {
    const dir = unpackedForStarts("aws");
    const [file, exported] = LAMBDA_HANDLER.split(".");
    const { modules, logs, release } = loadInProcess([join(dir, `${file}.js`)], { ...lambda.platformEnv, ...common });
    const handler = (modules[0] as Record<string, (event: unknown, context: unknown) => Promise<LambdaResult>>)[
      exported
    ];
    return {
      send: async (request) => fromLambdaResult(await handler(httpApiEvent(request), lambdaContext)),
      logLines: () => logs,
      stop: stopInProcess(release),
    };
  },
};

// ------------------------------------------------------------ Azure Functions

interface Registration {
  readonly metadata: { name: string; bindings: Record<string, Record<string, unknown>> };
  readonly handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit | HttpResponse>;
}

/**
 * Stand-in for `@azure/functions-core`, the module the Functions host injects
 * into the worker: it records what the zip registers, as the host would.
 */
const FAKE_FUNCTIONS_CORE = `
const registrations = [];
module.exports = {
  registrations,
  setProgrammingModel(model) { module.exports.programmingModel = model; },
  getProgrammingModel() { return module.exports.programmingModel; },
  registerFunction(metadata, handler) {
    registrations.push({ metadata, handler });
    return { dispose() {} };
  },
  registerHook() { return { dispose() {} }; },
};
`;

interface UnpackedAzure {
  readonly dir: string;
  /** The file the host loads. */
  readonly main: string;
  /** The host's bridge module's folder. */
  readonly core: string;
}

/** The files of an Azure zip unpacked in `dir` with the bridge module beside it (withFunctionsCore). */
function azureLayout(dir: string): UnpackedAzure {
  const core = join(dir, "node_modules", "@azure", "functions-core");
  const main = join(dir, (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { main: string }).main);
  return { dir, main, core };
}

/** Puts the host's bridge module beside the zip's files unpacked in `dir`. */
function withFunctionsCore(dir: string): void {
  const { core } = azureLayout(dir);
  mkdirSync(core, { recursive: true });
  writeFileSync(join(core, "index.js"), FAKE_FUNCTIONS_CORE);
  writeFileSync(join(core, "package.json"), JSON.stringify({ name: "@azure/functions-core", main: "index.js" }));
}

/** The Azure zip unpacked in a fresh folder with the host's bridge module beside it. */
export function unpackAzureBundle(): UnpackedAzure {
  const dir = extractBundle(buildFunctionBundle("azure").path);
  withFunctionsCore(dir);
  return azureLayout(dir);
}

/** The Azure zip loaded in a fresh module registry, from `unpacked` (by default a fresh folder, the caller's to remove). */
export function loadAzureBundle(
  env: Readonly<Record<string, string>>,
  unpacked: UnpackedAzure = unpackAzureBundle(),
): Loaded & { registrations: Registration[]; dir: string } {
  const { dir, main, core } = unpacked;
  // The core module from the same registry as the bundle, so it holds the bundle's registrations.
  const loaded = loadInProcess([main, join(core, "index.js")], env);
  return { ...loaded, registrations: (loaded.modules[1] as { registrations: Registration[] }).registrations, dir };
}

const azure: Target = {
  name: "azure-functions",
  runsAsProcess: false,
  deployedAs: { cloud: "azure", kind: "function" },
  platformEnv: { REGION_NAME: "West Europe", FUNCTIONS_WORKER_RUNTIME: "node" },
  expected: { cloud: "azure", target: "function" },
  async start(common) {
    const unpacked = azureLayout(unpackedForStarts("azure", withFunctionsCore));
    const { registrations, logs, release } = loadAzureBundle({ ...azure.platformEnv, ...common }, unpacked);
    const registration = registrations.find((r) => r.metadata.name === AZURE_FUNCTION_NAME);
    if (registration === undefined) throw new Error(`the Azure bundle registered no function "${AZURE_FUNCTION_NAME}"`);
    return {
      async send(request) {
        const url = new URL(request.path, "https://shop-test.azurewebsites.net");
        const body = toBytes(request.body);
        const httpRequest = new HttpRequest({
          method: request.method,
          url: url.href,
          headers: headersWithCookies(request),
          query: Object.fromEntries(url.searchParams),
          body: body === undefined ? undefined : { bytes: body },
        });
        const context = new InvocationContext({ functionName: AZURE_FUNCTION_NAME, invocationId: "contract" });
        const result = await registration.handler(httpRequest, context);
        // The host's own conversion of a handler's return value.
        const response = result instanceof HttpResponse ? result : new HttpResponse(result);
        return {
          status: response.status,
          headers: response.headers,
          body: new Uint8Array(await response.arrayBuffer()),
        };
      },
      logLines: () => logs,
      stop: stopInProcess(release),
    };
  },
};

// ---------------------------------------------------------- child processes

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

/**
 * Appends each complete, non-empty line of `stream` to `lines` as it arrives
 * (a chunk may end mid-line: the rest waits for the next), then calls `onLines`.
 */
function collectLines(stream: Readable | null, lines: string[], onLines: () => void = () => {}): void {
  let buffer = "";
  stream?.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts.filter((line) => line !== ""));
    onLines();
  });
}

export function startChild(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd = ROOT,
): Child {
  const child = spawn(command, args, {
    cwd,
    // A clean environment plus PATH: the runtime sees only what the platform would set.
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  collectLines(child.stdout, lines, () => {
    for (const wake of waiters) wake();
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return {
    process: child,
    lines,
    exited,
    stderr: () => stderr,
    waitForLine: (match, timeoutMs = 10_000) =>
      new Promise((done, fail) => {
        const check = () => {
          const line = lines.find(match);
          if (line === undefined) return;
          cleanup();
          done(line);
        };
        const timer = setTimeout(() => {
          cleanup();
          fail(new Error(`no matching line after ${timeoutMs} ms; stdout:\n${lines.join("\n")}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

async function httpSend(base: string, request: ContractRequest): Promise<ContractResponse> {
  const response = await fetch(new URL(request.path, base), {
    method: request.method,
    headers: headersWithCookies(request),
    body: toBytes(request.body),
  });
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

async function waitUntilServing(base: string, child: Child, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    try {
      if ((await fetch(new URL("/healthz", base))).ok) return;
    } catch {
      // not listening yet
    }
    if (exitCode !== undefined) throw new Error(`exited with ${exitCode}: ${child.lines.join("\n")}`);
    if (Date.now() > deadline) throw new Error(`not serving after ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

async function stopChild(child: Child): Promise<number | null> {
  child.process.kill("SIGTERM");
  return child.exited;
}

/** A target served over HTTP by `child` at `base`; stopping it also removes `dir`, the files it ran from, when given. */
function runningProcess(child: Child, base: string, dir?: string): RunningTarget {
  return {
    pid: child.process.pid,
    base,
    send: (request) => httpSend(base, request),
    logLines: () => child.lines,
    stop: async () => {
      const code = await stopChild(child);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

// ------------------------------------------------ Google Cloud Functions

const FUNCTIONS_FRAMEWORK_CLI = join(
  ROOT,
  "node_modules",
  "@google-cloud",
  "functions-framework",
  "build",
  "src",
  "main.js",
);

const gcp: Target = {
  name: "gcp-functions",
  runsAsProcess: true,
  deployedAs: { cloud: "gcp", kind: "function" },
  // Cloud Functions gen2 sets no region variable: REGION must come from the target.
  platformEnv: { K_SERVICE: "shop-test-function" },
  expected: { cloud: "gcp", target: "function" },
  async start(common) {
    // The symlink stands for the buildpack's `npm install` of the zip's package.json (the same framework version).
    const dir = unpackedForStarts("gcp", (unpacked) =>
      symlinkSync(join(ROOT, "node_modules"), join(unpacked, "node_modules"), "dir"),
    );
    const port = await freePort();
    // What Cloud Functions runs: the framework's own CLI and server, pointed at the source folder.
    const child = startChild(process.execPath, [FUNCTIONS_FRAMEWORK_CLI, `--source=${dir}`], {
      ...gcp.platformEnv,
      ...common,
      NODE_ENV: "production",
      PORT: String(port),
      FUNCTION_TARGET: GCP_ENTRY_POINT,
      FUNCTION_SIGNATURE_TYPE: "http",
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(base, child);
    return runningProcess(child, base);
  },
};

// ------------------------------------------------------- container server

/** The bytes of each file buildContainer writes, by its name in the folder (see containerFiles). */
let containerBuild: Readonly<Record<keyof ContainerFiles, { name: string; bytes: Buffer }>> | undefined;

/**
 * Writes the container's files into `dir`, as buildContainer does: built once per module registry
 * (two esbuild bundles, ~0.17 s of CPU a build, of the same sources) and copied for each server.
 */
export function containerFiles(dir: string): ContainerFiles {
  if (containerBuild === undefined) {
    const built = mkdtempSync(join(tmpdir(), "workload-container-"));
    try {
      const files = buildContainer(built);
      const read = (path: string) => ({ name: basename(path), bytes: readFileSync(path) });
      containerBuild = { server: read(files.server), healthcheck: read(files.healthcheck) };
    } finally {
      rmSync(built, { recursive: true, force: true });
    }
  }
  const write = ({ name, bytes }: { name: string; bytes: Buffer }) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  return { server: write(containerBuild.server), healthcheck: write(containerBuild.healthcheck) };
}

export async function startContainerServer(env: Readonly<Record<string, string>>): Promise<{
  child: Child;
  base: string;
  dir: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), "workload-container-"));
  const { server } = containerFiles(dir);
  // Run from an empty folder with no node_modules near it: the file must be self-contained, as in the image.
  const child = startChild(process.execPath, [server], { PORT: "0", ...env }, dir);
  const listening = JSON.parse(await child.waitForLine((line) => line.includes('"listening"'))) as { port: number };
  return { child, base: `http://127.0.0.1:${listening.port}`, dir };
}

const container: Target = {
  name: "container",
  runsAsProcess: true,
  // Container Apps sets neither CLOUD nor REGION: both come from the target.
  deployedAs: { cloud: "azure", kind: "container" },
  platformEnv: { CONTAINER_APP_NAME: "shop-test-container" },
  expected: { cloud: "azure", target: "container" },
  async start(common) {
    // A free port instead of the deployed PORT, so runs side by side never collide.
    const { child, base, dir } = await startContainerServer({ ...container.platformEnv, ...common, PORT: "0" });
    return runningProcess(child, base, dir);
  },
};

// ------------------------------------------------------- Cloudflare Worker

/** The Worker module, bundled once per module registry (~0.1 s of CPU a build): every start runs the same sources. */
let workerScript: string | undefined;

const worker: Target = {
  name: "cloudflare-worker",
  runsAsProcess: false,
  platformEnv: {},
  expected: { cloud: "cloudflare", region: "AMS", target: "edge" },
  async start(common) {
    const lines: string[] = [];
    workerScript ??= buildWorkerScript();
    const mf = new Miniflare({
      modules: true,
      script: workerScript,
      compatibilityDate: "2025-09-01",
      bindings: { ...worker.platformEnv, ...common },
      // A fixed request.cf instead of Miniflare downloading one.
      cf: { colo: "AMS", country: "NL" },
      handleRuntimeStdio(stdout: Readable) {
        collectLines(stdout, lines);
      },
    });
    await mf.ready;
    return {
      async send(request) {
        const response = await mf.dispatchFetch(new URL(request.path, "https://shop.example.net").href, {
          method: request.method,
          headers: headersWithCookies(request),
          body: toBytes(request.body),
        });
        return {
          status: response.status,
          headers: new Headers([...response.headers]),
          body: new Uint8Array(await response.arrayBuffer()),
        };
      },
      logLines: () => lines,
      stop: async () => {
        await mf.dispose();
        return undefined;
      },
    };
  },
};

export const TARGETS: readonly Target[] = [lambda, azure, gcp, container, worker];
