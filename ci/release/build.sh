#!/bin/sh
# Builds the repository's Dockerfile once per commit without a Docker daemon
# (BuildKit rootless, `buildctl-daemonless.sh`), pushes it to the GitLab
# project registry as <repository>:<release id>, then the publish job's tool
# image (ci/tools/publish/Dockerfile) as <repository>/publish-tools:<release id>,
# and writes release.env:
#   RELEASE_ID=<commit sha>  IMAGE_DIGEST=sha256:...  IMAGE_REPOSITORY=<repository>
#   PUBLISH_TOOLS_IMAGE=<repository>/publish-tools@sha256:...
# Every later job reads the images by those digests, never by the tag.
#
# Usage: ci/release/build.sh [--help]
# Environment (GitLab sets all of them in CI):
#   CI_REGISTRY, CI_REGISTRY_USER, CI_REGISTRY_PASSWORD  registry login
#   CI_REGISTRY_IMAGE   repository to push to (IMAGE_REPOSITORY wins)
#   CI_COMMIT_SHA       release id (RELEASE_ID wins)
# Needs `buildctl-daemonless.sh` on PATH (image moby/buildkit:*-rootless).
set -eu

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
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

rm -f build-metadata.json tools-metadata.json release.env

# Builds the Dockerfile in folder $1 and pushes it as image $2; prints the digest BuildKit reports.
build() { # folder, image, metadata file
  buildctl-daemonless.sh build \
    --frontend dockerfile.v0 \
    --local "context=$1" \
    --local "dockerfile=$1" \
    --output "type=image,name=$2,push=true" \
    --metadata-file "$3" >&2
  built="$(sed -n 's/.*"containerimage\.digest" *: *"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' "$3" | head -n 1)"
  if [ -z "$built" ]; then
    echo "build.sh: no containerimage.digest in $3; the push of $2 did not report a digest" >&2
    exit 1
  fi
  printf '%s\n' "$built"
}

digest="$(build . "$repository:$release" build-metadata.json)"
# The publish job's tools, built here where no cloud token is held, and run by digest.
tools="$repository/publish-tools"
tools_digest="$(build ci/tools/publish "$tools:$release" tools-metadata.json)"
printf 'RELEASE_ID=%s\nIMAGE_DIGEST=%s\nIMAGE_REPOSITORY=%s\nPUBLISH_TOOLS_IMAGE=%s@%s\n' \
  "$release" "$digest" "$repository" "$tools" "$tools_digest" > release.env
echo "Built $repository@$digest (release $release) and $tools@$tools_digest"
