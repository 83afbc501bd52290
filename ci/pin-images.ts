/**
 * `npm run images:pin`: asks each registry which digest every tag of
 * ci/images.ts names today, then rewrites ci/images.ts and the Dockerfiles'
 * FROM and syntax lines with them (`DOCKERFILES`). All or nothing: when any registry cannot be
 * reached or refuses, it says which image and why, exits 1 and changes no file.
 *
 * It speaks the OCI distribution API directly (a HEAD of the manifest, with
 * the anonymous Bearer token the registry's WWW-Authenticate names), the same
 * two requests `crane digest` makes; fetch is all it needs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPOSITORY_ROOT } from "../app/build/repository-root";
import { command, main, stringOption } from "../tools/command";
import { IMAGES, type ImageName, type ImagePin, imageReference } from "./images";

/** Manifest media types, index first: a multi-platform tag resolves to its index. */
const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export class PinError extends Error {}

/** Registry base URL and repository path of an image reference's repository part. */
export function locate(repository: string, override?: string): { base: string; name: string } {
  const [first, ...rest] = repository.split("/");
  const hosted = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const name = hosted ? rest.join("/") : rest.length === 0 ? `library/${first}` : repository;
  const base = override ?? (hosted ? `https://${first}` : "https://registry-1.docker.io");
  return { base: base.replace(/\/+$/, ""), name };
}

/** The anonymous token a `WWW-Authenticate: Bearer realm=...,service=...,scope=...` challenge asks for. */
async function token(challenge: string, fetcher: typeof fetch): Promise<string> {
  const params = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1].toLowerCase(), match[2]]),
  );
  if (!/^bearer\s/i.test(challenge) || params.realm === undefined) {
    throw new PinError(`the registry asks for an authentication it does not name (${challenge})`);
  }
  const url = new URL(params.realm);
  for (const key of ["service", "scope"]) if (params[key] !== undefined) url.searchParams.set(key, params[key]);
  const response = await fetcher(url, { signal: AbortSignal.timeout(20_000) });
  if (!response.ok) throw new PinError(`the token endpoint answered ${response.status}`);
  const body = (await response.json()) as { token?: string; access_token?: string };
  const value = body.token ?? body.access_token;
  if (value === undefined) throw new PinError("the token endpoint answered without a token");
  return value;
}

/** The digest `pin.tag` names now. */
export async function resolveDigest(pin: ImagePin, options: { registry?: string; fetch?: typeof fetch } = {}) {
  const fetcher = options.fetch ?? fetch;
  const { base, name } = locate(pin.repository, options.registry);
  const url = `${base}/v2/${name}/manifests/${encodeURIComponent(pin.tag)}`;
  const head = (authorization?: string) =>
    fetcher(url, {
      method: "HEAD",
      headers: { accept: ACCEPT, ...(authorization === undefined ? {} : { authorization }) },
      signal: AbortSignal.timeout(20_000),
    });
  let response: Response;
  try {
    response = await head();
    const challenge = response.headers.get("www-authenticate");
    if (response.status === 401 && challenge !== null)
      response = await head(`Bearer ${await token(challenge, fetcher)}`);
  } catch (error) {
    if (error instanceof PinError) throw error;
    // undici puts the system error in `cause`, or in `cause.errors` when it tried several addresses.
    const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const code =
      cause?.code ?? cause?.errors?.find((e) => e.code !== undefined)?.code ?? (cause as Error | undefined)?.message;
    throw new PinError(`cannot reach ${new URL(base).host} (${code ?? (error as Error).message})`);
  }
  if (!response.ok) throw new PinError(`${new URL(base).host} answered ${response.status} for ${name}:${pin.tag}`);
  const digest = response.headers.get("docker-content-digest") ?? "";
  if (!DIGEST.test(digest)) throw new PinError(`${new URL(base).host} named no sha256 digest (got "${digest}")`);
  return digest;
}

/** ci/images.ts with `digest` (and a source saying where it came from) for image `key`. */
export function rewriteImages(text: string, key: ImageName, digest: string): string {
  const block = new RegExp(`(\\n  ${key}: \\{[\\s\\S]*?\\n  \\},)`);
  const match = block.exec(text);
  if (match === null) throw new PinError(`ci/images.ts has no entry ${key}`);
  const updated = match[1]
    .replace(/digest: (null|"sha256:[0-9a-f]{64}"),/, `digest: "${digest}",`)
    .replace(/source:\s*"[^"]*",/, 'source: "npm run images:pin",');
  return text.replace(match[1], updated);
}

/** The Dockerfile with every reference to `pin`'s repository and tag pointing at `digest`. */
export function rewriteDockerfile(text: string, pin: ImagePin, digest: string): string {
  const escaped = `${pin.repository}:${pin.tag}`.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return text.replace(new RegExp(`${escaped}(@sha256:[0-9a-f]{64})?(?=[\\s]|$)`, "gm"), () =>
    imageReference({ ...pin, digest }),
  );
}

/** The Dockerfiles whose FROM and syntax lines repeat pins of ci/images.ts, relative to the repository root. */
export const DOCKERFILES = ["Dockerfile", join("ci", "tools", "publish", "Dockerfile")] as const;

export interface PinOptions {
  /** Repository to rewrite. @default this repository */
  readonly root?: string;
  /** Registry base URL used for every image (mirror, test stub). @default each image's own registry */
  readonly registry?: string;
  readonly fetch?: typeof fetch;
  readonly log?: (line: string) => void;
}

/** Resolves every image, then writes both files; throws PinError (having written nothing) when one fails. */
export async function pinImages(options: PinOptions = {}): Promise<Record<ImageName, string>> {
  const root = resolve(options.root ?? REPOSITORY_ROOT);
  const log = options.log ?? (() => {});
  const digests = {} as Record<ImageName, string>;
  for (const [key, pin] of Object.entries(IMAGES) as [ImageName, ImagePin][]) {
    try {
      digests[key] = await resolveDigest(pin, options);
    } catch (error) {
      const reason = error instanceof PinError ? error.message : String(error);
      throw new PinError(`could not resolve ${pin.repository}:${pin.tag}: ${reason}; nothing was changed`);
    }
    log(`${pin.repository}:${pin.tag} -> ${digests[key]}`);
  }
  const imagesFile = join(root, "ci", "images.ts");
  let images = readFileSync(imagesFile, "utf8");
  const dockerfiles = new Map(DOCKERFILES.map((file) => [file, readFileSync(join(root, file), "utf8")]));
  for (const [key, pin] of Object.entries(IMAGES) as [ImageName, ImagePin][]) {
    images = rewriteImages(images, key, digests[key]);
    for (const [file, text] of dockerfiles) dockerfiles.set(file, rewriteDockerfile(text, pin, digests[key]));
  }
  // Resolved images need no entry in UNRESOLVED any more.
  images = images.replace(/export const UNRESOLVED: ([^=]+) = \{[\s\S]*?\n\};/, "export const UNRESOLVED: $1 = {};");
  writeFileSync(imagesFile, images);
  for (const [file, text] of dockerfiles) writeFileSync(join(root, file), text);
  return digests;
}

export const pinImagesCommand = command({
  name: "images:pin",
  summary: "Pin every image tag of ci/images.ts and the Dockerfiles to its current digest",
  usage: "[--root <dir>]",
  description: `Resolves the current digest of every image tag in ci/images.ts from its
registry (Docker Hub, gcr.io, registry.gitlab.com...) and rewrites ci/images.ts
and the Dockerfiles (the service's and ci/tools/publish/Dockerfile) with them. Needs network; changes nothing when a registry
cannot be reached.`,
  options: { root: stringOption("<dir>", "repository to rewrite (default: this one)") },
  notes: `  PIN_IMAGES_REGISTRY   send every request to this registry base URL instead
                        (a mirror, or a stub in tests)

Exit status: 0 pinned; 1 a registry could not be reached or refused; 2 bad arguments.`,
  async run({ values }, io) {
    const registry = io.env.PIN_IMAGES_REGISTRY;
    await pinImages({ root: values.root, registry: registry === "" ? undefined : registry, log: io.out });
    io.out(
      "Pinned: ci/images.ts and the Dockerfiles rewritten; run `npm run ci:pipeline` to regenerate .gitlab-ci.yml.",
    );
    return 0;
  },
});

if (require.main === module) main(pinImagesCommand);
