#!/bin/sh
# Builds the repository's Dockerfile once per commit without a Docker daemon
# (BuildKit rootless, `buildctl-daemonless.sh`), pushes it to the GitLab
# project registry as <repository>:<release id>, and writes release.env:
#   RELEASE_ID=<commit sha>  IMAGE_DIGEST=sha256:...  IMAGE_REPOSITORY=<repository>
# Every later job reads the image by that digest, never by the tag.
#
# Usage: ci/release/build.sh [--help]
# Environment (GitLab sets all of them in CI):
#   CI_REGISTRY, CI_REGISTRY_USER, CI_REGISTRY_PASSWORD  registry login
#   CI_REGISTRY_IMAGE   repository to push to (IMAGE_REPOSITORY wins)
#   CI_COMMIT_SHA       release id (RELEASE_ID wins)
# Needs `buildctl-daemonless.sh` on PATH (image moby/buildkit:*-rootless).
set -eu

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [ "$#" -gt 0 ]; then
  echo "build.sh: unknown argument $1 (see --help)" >&2
  exit 2
fi

repository="${IMAGE_REPOSITORY:-${CI_REGISTRY_IMAGE:?set CI_REGISTRY_IMAGE or IMAGE_REPOSITORY (the registry path to push to)}}"
release="${RELEASE_ID:-${CI_COMMIT_SHA:?set CI_COMMIT_SHA or RELEASE_ID (the release id)}}"
registry="${CI_REGISTRY:?set CI_REGISTRY (the registry host)}"

# BuildKit reads registry credentials from Docker's config file.
export DOCKER_CONFIG="${DOCKER_CONFIG:-$(mktemp -d)}"
auth="$(printf '%s:%s' "${CI_REGISTRY_USER:?set CI_REGISTRY_USER}" "${CI_REGISTRY_PASSWORD:?set CI_REGISTRY_PASSWORD}" | base64 | tr -d '\n')"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$registry" "$auth" > "$DOCKER_CONFIG/config.json"

rm -f build-metadata.json release.env
buildctl-daemonless.sh build \
  --frontend dockerfile.v0 \
  --local context=. \
  --local dockerfile=. \
  --output "type=image,name=$repository:$release,push=true" \
  --metadata-file build-metadata.json

digest="$(sed -n 's/.*"containerimage\.digest" *: *"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' build-metadata.json | head -n 1)"
if [ -z "$digest" ]; then
  echo "build.sh: no containerimage.digest in build-metadata.json; the push did not report a digest" >&2
  exit 1
fi
printf 'RELEASE_ID=%s\nIMAGE_DIGEST=%s\nIMAGE_REPOSITORY=%s\n' "$release" "$digest" "$repository" > release.env
echo "Built $repository@$digest (release $release)"
