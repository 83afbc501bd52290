#!/bin/sh
# The synth job: reads each environment's stable release from state (when a
# release was built and the job can read state), synthesizes the canary step
# into cdktf.out/, and the promote and rollback steps of the same release into
# cdktf.out/steps/<step>/, so promote:<env> and rollback:<env> apply what this
# pipeline synthesized, with no edit and no second synth.
#
# Usage: ci/release/synth.sh [--help]
# Environment: RELEASE_ID, IMAGE_DIGEST (release.env of the build job; without
#   them a plain `npm run synth` of the default image); CI_API_V4_URL,
#   CI_PROJECT_ID, CI_JOB_TOKEN to read state (RELEASE_STABLE_DIR wins).
set -eu

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
[ "$#" -eq 0 ] || { echo "synth.sh: unknown argument $1 (see --help)" >&2; exit 2; }

if [ -z "${IMAGE_DIGEST:-}" ]; then
  npm run synth
  exit 0
fi
if [ -z "${RELEASE_STABLE_DIR:-}" ] && [ -n "${CI_JOB_TOKEN:-}" ]; then
  export RELEASE_STABLE_DIR=.release-stable
  npm run --silent release:stable -- --out "$RELEASE_STABLE_DIR"
fi
# One process (one start-up, one load of the providers): the canary step into
# cdktf.out/ first (it replaces the folder whole), then promote and rollback
# into cdktf.out/steps/<step>/ (main.ts, RELEASE_EXTRA_STEPS).
RELEASE_STEP=canary RELEASE_EXTRA_STEPS="promote rollback" npm run synth
