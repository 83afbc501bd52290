#!/bin/sh
# First deploy of an environment: creates its container registries when they
# are not in state yet, so `publish:<env>` has somewhere to copy the image
# before the first plan. Only missing registries are created (a targeted
# apply of the addresses synth listed, with what they depend on); once they
# exist this does nothing, and every later change to them goes through the
# reviewed plan and deploy like any other resource.
#
# Usage: ci/release/registries.sh [--targets <file>] [--help]
#   Run in the stack folder after `init`; --targets defaults to registries.targets
#   there (one Terraform address per line, written by synth).
# Environment: TF (tofu or terraform; default: whichever is on PATH),
#   TF_LOCK_TIMEOUT (how long apply waits for the state lock; default 10m).
set -eu

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
targets="registries.targets"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --targets) targets="${2:?--targets needs a file}"; shift 2 ;;
    *) echo "registries.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$targets" ] || { echo "registries.sh: no $targets here; run it in cdktf.out/stacks/<env> after synth" >&2; exit 2; }
TF="${TF:-$(command -v tofu || command -v terraform)}"

# No state yet (a new environment) lists nothing.
present="$("$TF" state list 2>/dev/null || true)"
missing=""
while IFS= read -r address; do
  [ -n "$address" ] || continue
  if ! printf '%s\n' "$present" | grep -qxF "$address"; then missing="$missing -target=$address"; fi
done < "$targets"

if [ -z "$missing" ]; then
  echo "Registries already exist; nothing to do."
  exit 0
fi
echo "Creating missing registries:$missing"
# shellcheck disable=SC2086 # one -target=<address> word each
"$TF" apply -input=false -lock-timeout="${TF_LOCK_TIMEOUT:-10m}" -auto-approve $missing
