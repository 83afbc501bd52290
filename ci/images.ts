/**
 * Every container image the pipeline and the Dockerfile run, pinned by
 * digest: a tag can be moved to other content by whoever controls the
 * repository; a digest cannot. The tag stays beside it so a reader (and the
 * renewal) knows what the digest stands for. Data only, imports nothing:
 * ci/pipeline reads the references from here, the Dockerfiles (the
 * service's and ci/tools/publish's) repeat them (a test keeps them equal).
 *
 * Renew: `npm run images:pin` asks each registry which digest each tag names
 * now and rewrites this file and the Dockerfiles (needs network; fails and
 * changes nothing offline).
 */

export interface ImagePin {
  /** Registry and repository, as written in an image reference (`node`, `gcr.io/distroless/nodejs22-debian12`). */
  readonly repository: string;
  /** The tag the digest was resolved from. */
  readonly tag: string;
  /**
   * `sha256:...` of the tag's manifest (the multi-platform index where there is one), or
   * null while it has never been resolved: the reference then falls back to the tag alone,
   * and the supply-chain test names it (see UNRESOLVED).
   */
  readonly digest: string | null;
  /** Where the digest was taken from when it was not resolved by `images:pin` itself. */
  readonly source: string;
}

export const IMAGES = {
  /** The npm jobs (verify, synth, plan-comment): Node with git. */
  node: {
    repository: "node",
    tag: "20-bookworm",
    digest: "sha256:8f693eaa7e0a8e71560c9a82b55fd54c2ae920a2ba5d2cde28bac7d1c01c9ba5",
    source: "public Dockerfiles and build logs pinning node:20-bookworm",
  },
  /** The OpenTofu jobs: GitLab's OpenTofu component image (`tofu`, a shell, git, jq). */
  opentofu: {
    repository: "registry.gitlab.com/components/opentofu/gitlab-opentofu",
    tag: "3.14.0-opentofu1.10.8-alpine",
    digest: null,
    source: "not found in any public source reachable from here: run `npm run images:pin` with network",
  },
  /** The build job: BuildKit rootless, no Docker daemon. */
  buildkit: {
    repository: "moby/buildkit",
    tag: "v0.23.2-rootless",
    digest: "sha256:cab936745de5d673465948f1e93ff4d6e372bbe33f218afd3314eba45a6f85a9",
    source: "public manifests pinning moby/buildkit:v0.23.2-rootless",
  },
  /** ci/tools/publish/Dockerfile: the crane binary of the publish job's tool image. */
  crane: {
    repository: "gcr.io/go-containerregistry/crane",
    tag: "latest",
    digest: "sha256:fc86bcad43a000c2a1ca926a1e167db26c053cebc3fa5d14285c72773fb8c11d",
    source: "docker-library/official-images' test Dockerfile, which copies crane from crane:latest by this digest",
  },
  /** Dockerfile: the `# syntax=` frontend BuildKit runs to read the Dockerfile itself. */
  dockerfileFrontend: {
    repository: "docker/dockerfile",
    tag: "1",
    digest: "sha256:87999aa3d42bdc6bea60565083ee17e86d1f3339802f543c0d03998580f9cb89",
    source: "public Dockerfiles pinning docker/dockerfile:1",
  },
  /** Dockerfile: the build stage (npm ci, npm run build:app); ci/tools/publish/Dockerfile: the tool image's base. */
  nodeBuild: {
    repository: "node",
    tag: "22-bookworm-slim",
    digest: "sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c",
    source: "public Dockerfiles pinning node:22-bookworm-slim",
  },
  /** Dockerfile: the runtime stage, distroless Node 22. */
  runtime: {
    repository: "gcr.io/distroless/nodejs22-debian12",
    tag: "nonroot",
    digest: "sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e",
    source: "public Dockerfiles pinning the multi-arch index of nodejs22-debian12:nonroot",
  },
} as const satisfies Record<string, ImagePin>;

export type ImageName = keyof typeof IMAGES;

/**
 * Images whose digest is not known yet, with the reason. A new image must
 * come with its digest: the supply-chain test fails on one missing here.
 */
export const UNRESOLVED: Partial<Record<ImageName, string>> = {
  opentofu:
    "no public source lists the digest of this tag; `npm run images:pin` resolves it where the registry is reachable",
};

/** `repository:tag@digest` (the tag is kept for readers; the digest decides), or `repository:tag` while unresolved. */
export function imageReference(pin: ImagePin): string {
  return pin.digest === null ? `${pin.repository}:${pin.tag}` : `${pin.repository}:${pin.tag}@${pin.digest}`;
}
