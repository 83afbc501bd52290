#!/usr/bin/env node
/**
 * The recording stubs of the pipeline rehearsal (ci/rehearse/): what a job
 * would run against a cloud, a registry or a daemon, replaced at the process
 * boundary. `node stub.cjs <tool> <args...>`, or one `node stub.cjs --serve`
 * per rehearsal answering every call (serve, below); the rehearsal puts one shim per
 * tool first on PATH (tofu, terraform, buildctl-daemonless.sh, crane, aws,
 * az, gcloud, curl, apk, npm). Each call is appended to $REHEARSAL_LOG as one
 * JSON line (job, tool, args, folder, outcome); a call the real tool would
 * refuse here (a folder synth never wrote, a plan file from another pipeline
 * or job, an unknown URL) fails with "rehearsal stub <tool>: <why>".
 *
 * tofu keeps its state in the fake GitLab (TF_HTTP_* as the jobs export them,
 * locks included), or, for a stack whose backend is a cloud's (s3, gcs,
 * azurerm: a protected environment's own store), in $REHEARSAL_CLOUD_STATE,
 * opened only with that environment's plan or deploy identity as the job
 * exported it (AWS_ROLE_ARN, ARM_CLIENT_ID, the GCP credential file); `apply` only takes a plan file written by a plan job of
 * this pipeline for the same configuration. npm: `npm ci` links the
 * rehearsal's node_modules (installed from the same package-lock.json, which
 * it checks); the shim runs every other npm command with the real npm.
 */
"use strict";
const { createHash } = require("node:crypto");
const {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} = require("node:fs");
const { execFileSync } = require("node:child_process");
const { join } = require("node:path");
const { MessageChannel, Worker, receiveMessageOnPort } = require("node:worker_threads");

// The call being answered: set by answer() for each call (one process per call, or a server answering many).
let tool;
let args;
let env;
let job;
/** The process that called the tool: its pid names its state lock; /proc/<pid>/fd/0 is its stdin. */
let caller;
let stdin;
let stdout;

function write(text) {
  stdout.push(Buffer.from(text));
}

function record(outcome, detail) {
  const line = { job, tool, args, cwd: process.cwd(), outcome, detail };
  if (env.REHEARSAL_LOG) appendFileSync(env.REHEARSAL_LOG, `${JSON.stringify(line)}\n`);
}

class Refusal extends Error {}

/** Refuses the call: thrown, so a held state lock is still released on the way out. */
function fail(why) {
  throw new Refusal(why);
}

function ok(detail) {
  record("ok", detail);
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/**
 * Synchronous HTTP for a synchronous program: the request runs in a worker thread while this one waits on
 * a shared flag. A child Node per request (its start ~0.1-0.3 CPU-s) was a fifth of a tofu job's CPU.
 */
let httpWorker;
function http(method, url, body, headers = {}) {
  httpWorker ??= new Worker(
    `const { parentPort } = require("node:worker_threads");
    parentPort.on("message", ({ request: [method, url, body, headers], port, done }) => {
      fetch(url, { method, body: body === null ? undefined : body, headers, signal: AbortSignal.timeout(15000) })
        .then(async (r) => ({ status: r.status, text: await r.text() }))
        .catch((e) => ({ status: 0, text: String(e.cause?.code ?? e.message) }))
        .then((answer) => {
          port.postMessage(answer);
          Atomics.store(done, 0, 1);
          Atomics.notify(done, 0);
        });
    });`,
    { eval: true },
  );
  // The stub exits when its work is done, not when the idle worker does.
  httpWorker.unref();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  httpWorker.postMessage({ request: [method, url, body, headers], port: port2, done }, [port2]);
  Atomics.wait(done, 0, 0, 20000);
  const answer = receiveMessageOnPort(port1)?.message;
  port1.close();
  return answer ?? { status: 0, text: "no answer" };
}

function basicAuth() {
  const user = env.TF_HTTP_USERNAME ?? "";
  const password = env.TF_HTTP_PASSWORD ?? "";
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

// ---------------------------------------------------------------- tofu / terraform

const flag = (name) => args.find((a) => a === `-${name}` || a.startsWith(`-${name}=`));
const flagValue = (name) => flag(name)?.split("=").slice(1).join("=");
const positional = () => args.slice(1).filter((a) => !a.startsWith("-"));

function config() {
  const file = join(process.cwd(), "cdk.tf.json");
  if (!existsSync(file)) fail(`no cdk.tf.json in ${process.cwd()}: a folder synth did not write`);
  const text = readFileSync(file, "utf8");
  return { text, json: JSON.parse(text), hash: sha256(text) };
}

/**
 * The cloud backend of the folder (cdk.tf.json, or the backend.tf.json a job
 * writes), when the job selected no GitLab-managed state: its kind, the
 * environment it belongs to (first part of its key or prefix) and its file.
 */
function cloudState() {
  if (env.TF_HTTP_ADDRESS !== undefined && env.TF_HTTP_ADDRESS !== "") return undefined;
  for (const name of ["cdk.tf.json", "backend.tf.json"]) {
    const file = join(process.cwd(), name);
    if (!existsSync(file)) continue;
    const backend = JSON.parse(readFileSync(file, "utf8")).terraform?.backend ?? {};
    const [kind, attrs] = Object.entries(backend)[0] ?? [];
    if (kind !== "s3" && kind !== "gcs" && kind !== "azurerm") continue;
    const environment = String(attrs.key ?? attrs.prefix).split("/")[0];
    const store = env.REHEARSAL_CLOUD_STATE;
    if (store === undefined || store === "") fail("no REHEARSAL_CLOUD_STATE: the rehearsal keeps no cloud state");
    mkdirSync(store, { recursive: true });
    const id = `${kind}__${attrs.bucket ?? attrs.storage_account_name}__${environment}`;
    return { kind, environment, file: join(store, `${id}.json`), lock: join(store, `${id}.lock`) };
  }
  return undefined;
}

/** The identity the job signed in with for `kind`, as the rehearsal's placeholder variables name it. */
function cloudIdentity(kind) {
  if (kind === "s3") return env.AWS_ROLE_ARN ?? "";
  if (kind === "azurerm") return env.ARM_CLIENT_ID ?? "";
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  return file && existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** The cloud store admits only its environment's plan and deploy identities (lib/bootstrap/state/). */
function checkCloudAccess(state) {
  const suffix = state.environment.toLowerCase().replaceAll("-", "_");
  if (!new RegExp(`rehearsal-[a-z_]+_${suffix}_(plan|deploy)\\b`).test(cloudIdentity(state.kind))) {
    fail(`the ${state.kind} state of ${state.environment} admits only its plan and deploy identities, not this job's`);
  }
}

function stateName() {
  const cloud = cloudState();
  if (cloud !== undefined) return cloud.environment;
  const address = env.TF_HTTP_ADDRESS;
  if (address === undefined || address === "") fail("no TF_HTTP_ADDRESS: the job did not select GitLab-managed state");
  return decodeURIComponent(address.split("/").pop());
}

function readState() {
  const cloud = cloudState();
  if (cloud !== undefined) {
    checkCloudAccess(cloud);
    return existsSync(cloud.file) ? JSON.parse(readFileSync(cloud.file, "utf8")) : undefined;
  }
  stateName();
  const answer = http("GET", env.TF_HTTP_ADDRESS, null, basicAuth());
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) fail(`GET state answered ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text);
}

function withLock(what, action) {
  if (flagValue("lock") === "false") return action();
  const id = `${job}-${caller}`;
  const cloud = cloudState();
  if (cloud !== undefined) {
    checkCloudAccess(cloud);
    try {
      writeFileSync(cloud.lock, JSON.stringify({ ID: id, Operation: what, Who: job }), { flag: "wx" });
    } catch {
      fail(`state of ${cloud.environment} is locked (${cloud.lock})`);
    }
    try {
      return action();
    } finally {
      rmSync(cloud.lock, { force: true });
    }
  }
  const lock = http(
    "POST",
    env.TF_HTTP_LOCK_ADDRESS,
    JSON.stringify({ ID: id, Operation: what, Who: job }),
    basicAuth(),
  );
  if (lock.status !== 200)
    fail(`state of ${stateName()} is locked or the lock was refused (${lock.status}): ${lock.text}`);
  try {
    return action();
  } finally {
    http("DELETE", env.TF_HTTP_UNLOCK_ADDRESS, JSON.stringify({ ID: id }), basicAuth());
  }
}

/** Each origin and the edge on the rehearsal's loopback world, as the state's outputs name them. */
function outputsFor(name, cfg, previous) {
  const world = env.REHEARSAL_WORLD ?? "http://127.0.0.1:9";
  const declared = cfg.json.output ?? {};
  const origins = Object.keys(declared.origins?.value ?? {});
  const release = declared.release?.value ?? {};
  const deployed = declared.release_deployed?.value ?? {};
  const revisions = Object.fromEntries(
    Object.entries(release.revisions ?? {}).map(([origin, rev]) => [
      origin,
      String(rev).includes("${") ? `${origin.replace(".", "-")}-${String(release.id).slice(0, 8)}` : rev,
    ]),
  );
  return {
    ...(previous ?? {}),
    edge_url: { value: `${world}/${name}/edge` },
    origins: { value: Object.fromEntries(origins.map((o) => [o, `${world}/${name}/${o}`])) },
    origin_secret: { value: `origin-secret-${name}`, sensitive: true },
    release: { value: { ...release, revisions } },
    release_deployed: { value: deployed },
  };
}

function resourcesOf(cfg) {
  const resources = [];
  for (const [type, instances] of Object.entries(cfg.json.resource ?? {})) {
    for (const name of Object.keys(instances)) resources.push({ mode: "managed", type, name });
  }
  return resources;
}

function writeState(name, state) {
  const cloud = cloudState();
  if (cloud !== undefined) {
    checkCloudAccess(cloud);
    writeFileSync(cloud.file, JSON.stringify(state));
    return;
  }
  const answer = http("POST", env.TF_HTTP_ADDRESS, JSON.stringify(state), basicAuth());
  if (answer.status !== 200) fail(`POST state of ${name} answered ${answer.status}: ${answer.text}`);
}

function planJson(cfg, plan) {
  const present = new Set((plan.priorResources ?? []).map((r) => `${r.type}.${r.name}`));
  const changes = plan.refreshOnly
    ? []
    : resourcesOf(cfg).map((r) => {
        const values = cfg.json.resource[r.type][r.name];
        const after = Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v !== "object"));
        const exists = present.has(`${r.type}.${r.name}`);
        return {
          address: `${r.type}.${r.name}`,
          mode: "managed",
          type: r.type,
          name: r.name,
          provider_name: `registry.opentofu.org/hashicorp/${r.type.split("_")[0]}`,
          change: {
            actions: exists ? ["update"] : ["create"],
            before: exists ? {} : null,
            after,
            after_unknown: {},
            before_sensitive: exists ? {} : false,
            after_sensitive: {},
          },
        };
      });
  return {
    format_version: "1.2",
    terraform_version: "1.10.8",
    resource_changes: changes,
    resource_drift: [],
    output_changes: {},
    errored: false,
  };
}

function tofu() {
  const command = args[0];
  switch (command) {
    case "version":
      write("OpenTofu v1.10.8 (rehearsal stub)\n");
      return ok();
    case "init": {
      // stable:<env> inits a folder holding only the backend block, to read the state's outputs.
      if (!existsSync(join(process.cwd(), "backend.tf.json"))) config();
      writeFileSync(".terraform.lock.hcl", "# rehearsal stub: provider locks\n");
      return ok(flag("backend") ? "no backend" : `state ${env.TF_HTTP_ADDRESS ? stateName() : "-"}`);
    }
    case "validate":
    case "test":
      config();
      return ok();
    case "plan": {
      const cfg = config();
      const out = flagValue("out");
      if (out === undefined) fail("plan without -out: the apply job would apply a plan nobody saved");
      const name = stateName();
      const state = withLock("OperationTypePlan", () => readState());
      const plan = {
        rehearsalPlan: true,
        pipeline: env.REHEARSAL_PIPELINE,
        job,
        folder: process.cwd().split("/builds/").pop().split("/").slice(1).join("/"),
        state: name,
        config: cfg.hash,
        refreshOnly: flag("refresh-only") !== undefined,
        priorResources: state?.resources ?? [],
        serial: state?.serial ?? 0,
      };
      writeFileSync(out, JSON.stringify(plan));
      return ok(`${plan.refreshOnly ? "refresh-only plan" : "plan"} of ${name} -> ${out}`);
    }
    case "show": {
      const file = positional()[0];
      if (file === undefined) fail("show: only `show [-json] <planfile>` is rehearsed");
      if (!existsSync(file)) fail(`show: no plan file ${file} in ${process.cwd()}`);
      const plan = JSON.parse(readFileSync(file, "utf8"));
      const json = planJson(config(), plan);
      if (flag("json")) write(`${JSON.stringify(json)}\n`);
      else {
        for (const change of json.resource_changes)
          write(`  # ${change.address} will be ${change.change.actions[0]}d\n`);
        write(`Plan: ${json.resource_changes.length} to change (rehearsal stub of ${plan.state}).\n`);
      }
      return ok(`${flag("json") ? "plan JSON" : "plan text"} of ${file}`);
    }
    case "apply": {
      const cfg = config();
      const name = stateName();
      const file = positional()[0];
      if (file === undefined) {
        const targets = args.filter((a) => a.startsWith("-target="));
        if (targets.length === 0 || !flag("auto-approve")) fail("apply without a saved plan file");
        withLock("OperationTypeApply", () => {
          const state = readState() ?? { version: 4, serial: 0, resources: [], outputs: {} };
          const names = new Set(targets.map((t) => t.slice("-target=".length)));
          const added = resourcesOf(cfg).filter((r) => names.has(`${r.type}.${r.name}`));
          writeState(name, { ...state, serial: state.serial + 1, resources: [...state.resources, ...added] });
        });
        return ok(`targeted apply of ${targets.length} addresses to ${name}`);
      }
      if (!existsSync(file)) fail(`apply: no plan file ${file} in ${process.cwd()} (the plan job's artifact)`);
      const plan = JSON.parse(readFileSync(file, "utf8"));
      if (plan.rehearsalPlan !== true) fail(`apply: ${file} is not a plan file`);
      if (plan.pipeline !== env.REHEARSAL_PIPELINE)
        fail(`apply: ${file} was planned in pipeline ${plan.pipeline}, not this one (${env.REHEARSAL_PIPELINE})`);
      if (plan.config !== cfg.hash) fail(`apply: ${file} was planned for another configuration than ${process.cwd()}`);
      if (!/^plan[:-]/.test(plan.job)) fail(`apply: ${file} was written by ${plan.job}, not by a plan job`);
      if (plan.refreshOnly) fail(`apply: ${file} is a refresh-only (drift) plan`);
      if (plan.state !== name) fail(`apply: ${file} is a plan of state ${plan.state}, not ${name}`);
      withLock("OperationTypeApply", () => {
        const state = readState();
        if ((state?.serial ?? 0) !== plan.serial)
          fail(`apply: saved plan ${file} is stale: the state of ${name} changed since ${plan.job} planned it`);
        writeState(name, {
          version: 4,
          serial: (state?.serial ?? 0) + 1,
          lineage: state?.lineage ?? `rehearsal-${name}`,
          resources: resourcesOf(cfg),
          outputs: outputsFor(name, cfg, state?.outputs),
        });
      });
      return ok(`applied ${file} (planned by ${plan.job}) to ${name}`);
    }
    case "state":
      if (args[1] !== "list") fail(`state ${args[1]} is not rehearsed`);
      for (const r of readState()?.resources ?? []) write(`${r.type}.${r.name}\n`);
      return ok();
    case "output": {
      const state = readState();
      const which = positional()[0];
      // Like tofu: no state has no outputs, and naming one that does not exist is an error.
      if (state === undefined && which !== undefined) fail(`no state ${stateName()} yet`);
      const outputs = state?.outputs ?? {};
      write(`${JSON.stringify(which === undefined ? outputs : outputs[which]?.value)}\n`);
      return ok();
    }
    case "force-unlock": {
      const id = positional()[0];
      const cloud = cloudState();
      if (cloud !== undefined) {
        checkCloudAccess(cloud);
        rmSync(cloud.lock, { force: true });
        return ok(`unlocked ${cloud.environment}`);
      }
      const answer = http("DELETE", env.TF_HTTP_UNLOCK_ADDRESS, JSON.stringify({ ID: id }), basicAuth());
      if (answer.status !== 200) fail(`force-unlock answered ${answer.status}`);
      return ok(`unlocked ${stateName()}`);
    }
    default:
      fail(`${command} is not rehearsed`);
  }
}

// ---------------------------------------------------------------- registry and cloud CLIs

function registry() {
  const file = env.REHEARSAL_REGISTRY;
  return file && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

function saveRegistry(images) {
  writeFileSync(env.REHEARSAL_REGISTRY, JSON.stringify(images, null, 2));
}

function buildctl() {
  if (args[0] !== "build") fail(`${args[0]} is not rehearsed`);
  const value = (name) => args[args.indexOf(name) + 1];
  const locals = args.filter((_, i) => args[i - 1] === "--local");
  const context = locals.find((l) => l.startsWith("context="))?.slice("context=".length);
  if (context === undefined || !existsSync(join(context, "Dockerfile"))) fail("no Dockerfile in the build context");
  const output = value("--output");
  const name = /name=([^,]+)/.exec(output ?? "")?.[1];
  if (name === undefined) fail("--output names no image");
  // The digest stands for the image of this commit's tracked files, as BuildKit would build it.
  const digest = `sha256:${sha256(`${env.CI_COMMIT_SHA}:${readFileSync(join(context, "Dockerfile"), "utf8")}`)}`;
  const images = registry();
  images[name] = digest;
  images[`${name.replace(/:[^:/]+$/, "")}@${digest}`] = digest;
  saveRegistry(images);
  writeFileSync(value("--metadata-file"), JSON.stringify({ "containerimage.digest": digest }));
  ok(`built and pushed ${name} (${digest})`);
}

function crane() {
  switch (args[0]) {
    case "auth":
      readFileSync(stdin);
      return ok(`login ${args[2]}`);
    case "copy": {
      const images = registry();
      const [source, target] = args.slice(1);
      if (images[source] === undefined) fail(`copy: ${source} is not in the registry`);
      images[target] = images[source];
      saveRegistry(images);
      return ok(`copied ${source} -> ${target}`);
    }
    case "digest": {
      const digest = registry()[args[1]];
      if (digest === undefined) fail(`digest: ${args[1]} is not in the registry`);
      write(`${digest}\n`);
      return ok();
    }
    default:
      fail(`${args[0]} is not rehearsed`);
  }
}

function aws() {
  if (args[0] === "ecr" && args[1] === "get-login-password") {
    if (!env.AWS_ROLE_ARN || !env.AWS_WEB_IDENTITY_TOKEN_FILE)
      fail("no web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)");
    write("ecr-password\n");
    return ok(`ECR password as ${env.AWS_ROLE_ARN}`);
  }
  fail(`${args.slice(0, 2).join(" ")} is not rehearsed`);
}

/** Token exchanges publish.sh makes; a URL the pipeline should not call is refused. */
function curl() {
  const url = args.find((a) => /^https?:\/\//.test(a));
  if (url === undefined) fail("no URL");
  const answers = [
    [/^https:\/\/login\.microsoftonline\.com\//, { access_token: "entra-access-token" }],
    [/\/oauth2\/exchange$/, { refresh_token: "acr-refresh-token" }],
    [/^https:\/\/sts\.googleapis\.com\//, { access_token: "google-federated-token" }],
    [/^https:\/\/iamcredentials\.googleapis\.com\//, { accessToken: "google-access-token" }],
  ];
  const answer = answers.find(([pattern]) => pattern.test(url));
  if (answer === undefined) fail(`${url} is not a token exchange the pipeline makes`);
  write(JSON.stringify(answer[1]));
  ok(url);
}

function npm() {
  if (args[0] === "ci") {
    const modules = env.REHEARSAL_NODE_MODULES;
    const lock = env.REHEARSAL_LOCKFILE;
    if (!existsSync("package-lock.json")) fail("npm ci: no package-lock.json");
    if (lock && sha256(readFileSync("package-lock.json")) !== sha256(readFileSync(lock)))
      fail(`npm ci: package-lock.json differs from ${lock}, whose node_modules the rehearsal links`);
    if (!existsSync("node_modules")) symlinkSync(modules, "node_modules", "dir");
    return ok(`linked node_modules -> ${modules}`);
  }
  // The shim runs any other npm command with the real npm itself.
  fail(`npm ${args[0]} is not rehearsed`);
}

const tools = {
  tofu,
  terraform: tofu,
  "buildctl-daemonless.sh": buildctl,
  crane,
  aws,
  curl,
  npm,
  apk: () =>
    ok(
      `would install ${args
        .filter((a) => !a.startsWith("-"))
        .slice(1)
        .join(" ")}`,
    ),
  az: () => fail(`az ${args.join(" ")} is not called by any job`),
  gcloud: () => fail(`gcloud ${args.join(" ")} is not called by any job`),
};

/** One call of `name`: what it writes to stdout and stderr and its exit code (the job's process sees these). */
function answer(call) {
  ({ tool, args, env, caller, stdin } = call);
  job = env.CI_JOB_NAME ?? "-";
  stdout = [];
  const output = (code, error) => ({ code, stdout: Buffer.concat(stdout), stderr: Buffer.from(error ?? "") });
  if (tools[tool] === undefined) return output(2, `rehearsal stub: unknown tool ${tool}\n`);
  try {
    tools[tool]();
    return output(0);
  } catch (error) {
    if (!(error instanceof Refusal)) return output(1, `${error?.stack ?? error}\n`);
    record("refused", error.message);
    return output(1, `rehearsal stub ${tool}: ${error.message}\n`);
  }
}

// ---------------------------------------------------------------- one process per call, or one server for all

/**
 * `node stub.cjs --serve <dir>`: answers every call of a rehearsal in this one process. A Node start per
 * call (~0.1 CPU-s) was most of a stub's cost. The shim (rehearse.ts, writeStubs) makes a reply FIFO
 * <dir>/<pid>, writes "<pid> <tool> <argc>" to the FIFO <dir>/calls and waits. Its argv, environment, cwd
 * and stdin are read here from /proc/<pid>: nothing to encode in a shell (a call that reads stdin leaves
 * it in <dir>/<pid>.in). The reply is "<code> <stdout?> <stderr?>" then stdout; stderr, when any, goes to
 * <dir>/<pid>.err. The server ends with its stdin, saying how many calls it answered.
 */
function serve(dir) {
  const calls = join(dir, "calls");
  mkdirSync(dir, { recursive: true });
  execFileSync("mkfifo", [calls]);
  // Read and write: the FIFO never reaches end of file between two callers.
  const input = new (require("node:net").Socket)({ fd: openSync(calls, "r+"), readable: true, writable: false });
  let pending = "";
  let answered = 0;
  input.on("data", (chunk) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) {
      reply(dir, ...line.split(" "));
      answered++;
    }
  });
  const stop = () => {
    rmSync(calls, { force: true });
    process.stdout.write(`answered ${answered}\n`, () => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop).resume();
  process.stdout.write("ready\n");
}

function reply(dir, pid, name, argc) {
  const proc = `/proc/${pid}`;
  let result;
  try {
    const argv = readFileSync(`${proc}/cmdline`, "utf8").split("\0").slice(0, -1);
    const environ = readFileSync(`${proc}/environ`, "utf8").split("\0").slice(0, -1);
    process.chdir(readlinkSync(`${proc}/cwd`));
    result = answer({
      tool: name,
      args: Number(argc) === 0 ? [] : argv.slice(-Number(argc)),
      env: Object.fromEntries(environ.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])),
      caller: Number(pid),
      stdin: existsSync(`${join(dir, pid)}.in`) ? `${join(dir, pid)}.in` : `${proc}/fd/0`,
    });
  } catch (error) {
    result = {
      code: 1,
      stdout: Buffer.alloc(0),
      stderr: Buffer.from(`rehearsal stub server: ${error?.stack ?? error}\n`),
    };
  }
  const fifo = join(dir, pid);
  rmSync(`${fifo}.in`, { force: true });
  if (result.stderr.length > 0) writeFileSync(`${fifo}.err`, result.stderr);
  // Non-blocking until the caller reads: a caller that died must not hang every later call.
  let probe;
  while (probe === undefined) {
    try {
      probe = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if (error.code !== "ENXIO" || !existsSync(proc)) {
        for (const path of [fifo, `${fifo}.err`]) rmSync(path, { force: true });
        return;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  try {
    const out = openSync(fifo, "w");
    rmSync(fifo, { force: true });
    writeSync(out, `${result.code} ${result.stdout.length > 0 ? 1 : 0} ${result.stderr.length > 0 ? 1 : 0}\n`);
    writeSync(out, result.stdout);
    closeSync(out);
  } catch {
    // The caller went away while reading: nobody is left to answer.
  } finally {
    closeSync(probe);
  }
}

if (process.argv[2] === "--serve") serve(process.argv[3]);
else {
  const [name, ...rest] = process.argv.slice(2);
  const result = answer({ tool: name, args: rest, env: process.env, caller: process.pid, stdin: 0 });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}
