/**
 * The supply chain's images: every one is pinned by digest (or named as not
 * yet resolved, with the reason), the Dockerfile and the generated pipeline
 * use exactly the pins of ci/images.ts, CI installs without install scripts,
 * and `npm run images:pin` renews the pins from a registry (a stub speaking
 * the distribution API here) or fails naming the image, changing nothing.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGES, type ImageName, type ImagePin, imageReference, UNRESOLVED } from "../../ci/images";
import { DOCKERFILES, locate, PinError, pinImages } from "../../ci/pin-images";
import { NODE_IMAGE, TF_IMAGE } from "../../ci/pipeline/pipeline";
import { BUILD_IMAGE } from "../../ci/pipeline/release";

const ROOT = join(__dirname, "..", "..");
const pins = Object.entries(IMAGES) as [ImageName, ImagePin][];
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
/** The publish job's tool image, built by the build job (docs/choices.md). */
const TOOLS_DOCKERFILE = join("ci", "tools", "publish", "Dockerfile");
const tools = readFileSync(join(ROOT, TOOLS_DOCKERFILE), "utf8");
const pipeline = readFileSync(join(ROOT, ".gitlab-ci.yml"), "utf8");

describe("pinned images", () => {
  it("pins every image by a sha256 digest, or names why not in UNRESOLVED", () => {
    for (const [name, pin] of pins) {
      if (pin.digest === null) expect([name, UNRESOLVED[name]]).toEqual([name, expect.stringMatching(/\S{10}/)]);
      else expect([name, pin.digest]).toEqual([name, expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
    }
    // An entry there for a pinned image would hide a later regression.
    for (const name of Object.keys(UNRESOLVED) as ImageName[])
      expect([name, IMAGES[name].digest]).toEqual([name, null]);
  });

  it("builds the Dockerfile only from pinned images, the syntax frontend included", () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual([imageReference(IMAGES.nodeBuild), imageReference(IMAGES.runtime)]);
    expect(dockerfile.split("\n")[0]).toBe(`# syntax=${imageReference(IMAGES.dockerfileFrontend)}`);
    for (const reference of [...froms, imageReference(IMAGES.dockerfileFrontend)]) {
      expect(reference).toMatch(/:[\w.-]+@sha256:[0-9a-f]{64}$/);
    }
  });

  it("builds the publish tool image only from pinned images and fixed package versions", () => {
    expect(DOCKERFILES).toContain(TOOLS_DOCKERFILE);
    const froms = [...tools.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual([imageReference(IMAGES.crane), imageReference(IMAGES.nodeBuild)]);
    expect(tools.split("\n")[0]).toBe(`# syntax=${imageReference(IMAGES.dockerfileFrontend)}`);
    for (const reference of froms) expect(reference).toMatch(/@sha256:[0-9a-f]{64}$/);
    // Every package apt installs names its version: `name=version`, nothing left to the day's index.
    const install = /apt-get install -y --no-install-recommends([^&]*)&&/.exec(tools.replace(/\\\n/g, " "))?.[1] ?? "";
    const packages = install.trim().split(/\s+/);
    expect(packages.map((p) => p.split("=")[0]).sort()).toEqual(["awscli", "ca-certificates", "curl", "jq"]);
    for (const p of packages) expect(p).toMatch(/^[a-z0-9.+-]+=[0-9][\w.+~:-]*$/);
    // What publish.sh calls, and nothing fetched at run time.
    expect(tools).toContain("COPY --from=crane /ko-app/crane /usr/local/bin/crane");
  });

  it("runs every pipeline job on a pin of ci/images.ts, written into .gitlab-ci.yml", () => {
    expect([NODE_IMAGE, TF_IMAGE, BUILD_IMAGE]).toEqual(
      [IMAGES.node, IMAGES.opentofu, IMAGES.buildkit].map(imageReference),
    );
    for (const reference of [NODE_IMAGE, TF_IMAGE, BUILD_IMAGE]) {
      expect(pipeline).toContain(`value: ${reference}\n`);
    }
  });

  it("installs without install scripts, in CI and in the image", () => {
    const installs = [...pipeline.matchAll(/npm ci\b[^\n]*/g), ...dockerfile.matchAll(/npm ci\b[^\n]*/g)].map(
      (m) => m[0],
    );
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(install).toContain("--ignore-scripts");
  });
});

describe("images:pin", () => {
  it("finds each image's registry and repository", () => {
    expect(locate("node")).toEqual({ base: "https://registry-1.docker.io", name: "library/node" });
    expect(locate("moby/buildkit")).toEqual({ base: "https://registry-1.docker.io", name: "moby/buildkit" });
    expect(locate("gcr.io/distroless/nodejs22-debian12")).toEqual({
      base: "https://gcr.io",
      name: "distroless/nodejs22-debian12",
    });
    expect(locate("registry.gitlab.com/components/opentofu/gitlab-opentofu", "http://127.0.0.1:1/")).toEqual({
      base: "http://127.0.0.1:1",
      name: "components/opentofu/gitlab-opentofu",
    });
  });

  /** A copy of the two files the command rewrites. */
  function sandbox(): string {
    const dir = mkdtempSync(join(tmpdir(), "images-pin-"));
    mkdirSync(join(dir, "ci"));
    copyFileSync(join(ROOT, "ci", "images.ts"), join(dir, "ci", "images.ts"));
    copyFileSync(join(ROOT, "Dockerfile"), join(dir, "Dockerfile"));
    mkdirSync(join(dir, "ci", "tools", "publish"), { recursive: true });
    copyFileSync(join(ROOT, TOOLS_DOCKERFILE), join(dir, TOOLS_DOCKERFILE));
    return dir;
  }
  const digestOf = (name: string) => {
    let hash = 0;
    for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return `sha256:${hash.toString(16).padStart(8, "0").repeat(8)}`;
  };

  /** A registry that wants an anonymous Bearer token (as Docker Hub, gcr.io and GitLab do), then names digests. */
  async function stubRegistry(refuse?: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://stub");
      if (url.pathname === "/token") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ token: `t-${url.searchParams.get("scope")}` }));
      }
      const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (match === null || req.method !== "HEAD") return void res.writeHead(404).end();
      const scope = `repository:${match[1]}:pull`;
      if (req.headers.authorization !== `Bearer t-${scope}`) {
        const { port } = server.address() as AddressInfo;
        res.writeHead(401, {
          "www-authenticate": `Bearer realm="http://127.0.0.1:${port}/token",service="stub",scope="${scope}"`,
        });
        return void res.end();
      }
      seen.push(`${match[1]}:${decodeURIComponent(match[2])}`);
      if (match[1] === refuse) return void res.writeHead(404).end();
      expect(req.headers.accept).toContain("application/vnd.oci.image.index.v1+json");
      res.writeHead(200, { "docker-content-digest": digestOf(`${match[1]}:${match[2]}`) });
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((done) => server.close(() => done())) };
  }

  it("resolves every tag through the registry's token challenge and rewrites both files with the digests", async () => {
    const registry = await stubRegistry();
    const dir = sandbox();
    try {
      const digests = await pinImages({ root: dir, registry: registry.url });
      expect(registry.seen.sort()).toEqual(pins.map(([, pin]) => `${locate(pin.repository).name}:${pin.tag}`).sort());
      const images = readFileSync(join(dir, "ci", "images.ts"), "utf8");
      const docker = readFileSync(join(dir, "Dockerfile"), "utf8");
      for (const [name, pin] of pins) {
        expect(digests[name]).toBe(digestOf(`${locate(pin.repository).name}:${pin.tag}`));
        expect(images).toContain(`digest: "${digests[name]}"`);
      }
      expect(images).not.toContain("digest: null");
      expect(images).toContain("export const UNRESOLVED: Partial<Record<ImageName, string>> = {};");
      const froms = [...docker.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
      expect(froms).toEqual([
        imageReference({ ...IMAGES.nodeBuild, digest: digests.nodeBuild }),
        imageReference({ ...IMAGES.runtime, digest: digests.runtime }),
      ]);
      expect(docker.split("\n")[0]).toBe(
        `# syntax=${imageReference({ ...IMAGES.dockerfileFrontend, digest: digests.dockerfileFrontend })}`,
      );
      // Everything else in the Dockerfile is untouched.
      expect(docker.replace(/@sha256:[0-9a-f]{64}/g, "")).toBe(dockerfile.replace(/@sha256:[0-9a-f]{64}/g, ""));
      // The tool image's FROM lines too.
      const toolFroms = [...readFileSync(join(dir, TOOLS_DOCKERFILE), "utf8").matchAll(/^FROM\s+(\S+)/gm)].map(
        (m) => m[1],
      );
      expect(toolFroms).toEqual([
        imageReference({ ...IMAGES.crane, digest: digests.crane }),
        imageReference({ ...IMAGES.nodeBuild, digest: digests.nodeBuild }),
      ]);
    } finally {
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the image a registry refuses and changes no file", async () => {
    const refused = locate(IMAGES.runtime.repository).name;
    const registry = await stubRegistry(refused);
    const dir = sandbox();
    try {
      await expect(pinImages({ root: dir, registry: registry.url })).rejects.toThrow(
        new PinError(
          `could not resolve ${IMAGES.runtime.repository}:${IMAGES.runtime.tag}: 127.0.0.1:${new URL(registry.url).port} answered 404 for ${refused}:${IMAGES.runtime.tag}; nothing was changed`,
        ),
      );
      expect(readFileSync(join(dir, "ci", "images.ts"), "utf8")).toBe(
        readFileSync(join(ROOT, "ci", "images.ts"), "utf8"),
      );
      expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toBe(dockerfile);
      expect(readFileSync(join(dir, TOOLS_DOCKERFILE), "utf8")).toBe(tools);
    } finally {
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("offline: exits 1 with one line naming the first image, and changes nothing", async () => {
    // A port that was just free: connections are refused at once, as an unreachable registry's are.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const dir = sandbox();
    try {
      const result = spawnSync(
        process.execPath,
        [join(ROOT, "bin", "run.cjs"), join(ROOT, "ci", "pin-images.ts"), "--root", dir],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, PIN_IMAGES_REGISTRY: `http://127.0.0.1:${port}` },
          timeout: 60_000,
        },
      );
      expect(result.status).toBe(1);
      const [first] = pins;
      expect(result.stderr.trim()).toBe(
        `images:pin: could not resolve ${first[1].repository}:${first[1].tag}: cannot reach 127.0.0.1:${port} (ECONNREFUSED); nothing was changed`,
      );
      expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toBe(dockerfile);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
