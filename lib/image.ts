/**
 * Container image references, cloud-neutral: each cloud's registry module
 * moves a reference onto its own registry host with these.
 */
import { ConstructError } from "./contract/errors";

/** An image reference split into registry host, repository path and `:tag` / `@digest` suffix. */
export interface ImageReference {
  /** Registry host, or undefined for Docker Hub short names ("nginx:1"). */
  readonly host?: string;
  readonly repository: string;
  /** ":tag", "@sha256:...", both, or "" (latest). */
  readonly version: string;
}

export function parseImage(image: string): ImageReference {
  const at = image.indexOf("@");
  const withoutDigest = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? "" : image.slice(at);
  const slash = withoutDigest.indexOf("/");
  const first = slash === -1 ? "" : withoutDigest.slice(0, slash);
  // Docker's rule: the first segment is a registry host when it has a dot or a port, or is localhost.
  const hasHost = slash !== -1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const rest = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  const colon = rest.lastIndexOf(":");
  const repository = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? "" : rest.slice(colon);
  if (repository.length === 0) throw new ConstructError("BPE_IMAGE_1", undefined, `image "${image}" has no repository`);
  return { host: hasHost ? first : undefined, repository, version: `${tag}${digest}` };
}
