#!/bin/sh
# Checks one synthesized stack against the real provider schemas without
# credentials: init without backend, validate, and `test` with every provider
# mocked (tests/mock-providers.tftest.hcl, written by `npm run ci:mocks`).
# Writes <stack>/validate-result.txt: "passed" or "failed", then the job URL.
# Used by the validate:<env> jobs and `npm run validate`.
set -eu
case "${1:-}" in
  -h | --help)
    echo "Usage: ci/scripts/validate.sh <stack dir>   (TF=<binary>; default: tofu, else terraform, from PATH)"
    exit 0
    ;;
  "")
    echo "validate.sh: give the stack directory, e.g. cdktf.out/stacks/dev; see --help" >&2
    exit 1
    ;;
esac
dir=$1
TF=${TF:-$(command -v tofu || command -v terraform || true)}
if [ -z "$TF" ]; then
  echo "validate.sh: neither tofu nor terraform is on PATH" >&2
  exit 1
fi
if [ ! -f "$dir/tests/mock-providers.tftest.hcl" ]; then
  echo "validate.sh: $dir/tests/mock-providers.tftest.hcl is missing; run \`npm run ci:mocks\`" >&2
  exit 1
fi
cd "$dir"
printf 'failed\n%s\n' "${CI_JOB_URL:-}" > validate-result.txt
"$TF" init -backend=false -input=false -no-color
"$TF" validate -no-color
"$TF" test -no-color
printf 'passed\n%s\n' "${CI_JOB_URL:-}" > validate-result.txt
echo "validate: $dir passed (init -backend=false, validate, test with mock providers)"
