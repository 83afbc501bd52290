#!/bin/sh
# Copies the release's image, by digest, from the GitLab project registry into
# one environment's ECR, ACR and Artifact Registry repositories (crane), each
# tagged with the release id, and checks every copy has the same digest.
# Logs in to each cloud with the environment's OIDC publish identity (push
# only; no static keys): AWS through `aws ecr get-login-password` (web identity from
# AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), Azure and GCP by exchanging
# the job's id_token over HTTPS (curl + jq).
#
# Usage: ci/release/publish.sh --env <name> [--list <file>] [--help]
#   --list  the environment's publish list (default cdktf.out/stacks/<env>/publish.env,
#           written by synth: PUBLISH_<CLOUD>_IMAGE=<repository>@<digest>)
# Environment: RELEASE_ID, IMAGE_DIGEST, IMAGE_REPOSITORY (release.env of the build job);
#   CI_REGISTRY, CI_REGISTRY_USER, CI_REGISTRY_PASSWORD (source registry login);
#   AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE; ARM_CLIENT_ID, ARM_TENANT_ID, ARM_OIDC_TOKEN;
#   GOOGLE_APPLICATION_CREDENTIALS (external_account file) for the clouds the list names.
set -eu

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
env_name="" list=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --help | -h) usage; exit 0 ;;
    --env) env_name="${2:?--env needs a name}"; shift 2 ;;
    --list) list="${2:?--list needs a file}"; shift 2 ;;
    *) echo "publish.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$env_name" ] || { echo "publish.sh: --env <name> is required (see --help)" >&2; exit 2; }
list="${list:-cdktf.out/stacks/$env_name/publish.env}"
[ -f "$list" ] || { echo "publish.sh: no publish list $list; run synth with RELEASE_ID and IMAGE_DIGEST set first" >&2; exit 2; }
release="${RELEASE_ID:?set RELEASE_ID (release.env of the build job)}"
digest="${IMAGE_DIGEST:?set IMAGE_DIGEST (release.env of the build job)}"
source_repository="${IMAGE_REPOSITORY:?set IMAGE_REPOSITORY (release.env of the build job)}"

# A field of a JSON answer, or a one-line error naming the exchange that failed.
field() { # json, jq filter, what
  printf '%s' "$1" | jq -er "$2" 2>/dev/null || { echo "publish.sh: $3 gave no $2" >&2; exit 1; }
}

# POSTs a form to a token endpoint: each name=value argument becomes one URL-encoded field.
post_form() { # url, name=value...
  url="$1"
  shift
  for pair in "$@"; do
    set -- "$@" --data-urlencode "$pair"
    shift
  done
  curl -fsS -X POST "$url" "$@"
}

login_aws() { # host
  region="$(printf '%s' "$1" | sed -n 's/^[0-9]*\.dkr\.ecr\.\([a-z0-9-]*\)\.amazonaws\.com$/\1/p')"
  [ -n "$region" ] || { echo "publish.sh: $1 is not an ECR registry host" >&2; exit 1; }
  password="$(aws ecr get-login-password --region "$region")"
  printf '%s' "$password" | crane auth login "$1" -u AWS --password-stdin
}

login_azure() { # host
  assertion="${ARM_OIDC_TOKEN:?set ARM_OIDC_TOKEN (the job id_token)}"
  answer="$(post_form "https://login.microsoftonline.com/${ARM_TENANT_ID:?set ARM_TENANT_ID}/oauth2/v2.0/token" \
    "client_id=${ARM_CLIENT_ID:?set ARM_CLIENT_ID}" \
    "grant_type=client_credentials" \
    "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \
    "client_assertion=$assertion" \
    "scope=https://management.azure.com/.default")"
  aad="$(field "$answer" .access_token "Entra ID token exchange")"
  answer="$(post_form "https://$1/oauth2/exchange" \
    "grant_type=access_token" "service=$1" "tenant=$ARM_TENANT_ID" "access_token=$aad")"
  refresh="$(field "$answer" .refresh_token "ACR token exchange")"
  # ACR's documented user name for a token obtained through `oauth2/exchange`.
  printf '%s' "$refresh" | crane auth login "$1" -u 00000000-0000-0000-0000-000000000000 --password-stdin
}

login_gcp() { # host
  credentials="${GOOGLE_APPLICATION_CREDENTIALS:?set GOOGLE_APPLICATION_CREDENTIALS (external_account file)}"
  audience="$(field "$(cat "$credentials")" .audience "$credentials")"
  impersonate="$(field "$(cat "$credentials")" .service_account_impersonation_url "$credentials")"
  token_file="$(field "$(cat "$credentials")" .credential_source.file "$credentials")"
  subject="$(cat "$token_file")"
  [ -n "$subject" ] || { echo "publish.sh: the GCP id_token file $token_file is empty" >&2; exit 1; }
  answer="$(post_form https://sts.googleapis.com/v1/token \
    "audience=$audience" \
    "grant_type=urn:ietf:params:oauth:grant-type:token-exchange" \
    "requested_token_type=urn:ietf:params:oauth:token-type:access_token" \
    "scope=https://www.googleapis.com/auth/cloud-platform" \
    "subject_token_type=urn:ietf:params:oauth:token-type:jwt" \
    "subject_token=$subject")"
  federated="$(field "$answer" .access_token "Google STS token exchange")"
  answer="$(curl -fsS -X POST "$impersonate" -H "Authorization: Bearer $federated" \
    -H "Content-Type: application/json" -d '{"scope":["https://www.googleapis.com/auth/cloud-platform"]}')"
  access="$(field "$answer" .accessToken "service account impersonation")"
  printf '%s' "$access" | crane auth login "$1" -u oauth2accesstoken --password-stdin
}

printf '%s' "${CI_REGISTRY_PASSWORD:?set CI_REGISTRY_PASSWORD}" |
  crane auth login "${CI_REGISTRY:?set CI_REGISTRY}" -u "${CI_REGISTRY_USER:?set CI_REGISTRY_USER}" --password-stdin

copied=0
for cloud in aws azure gcp; do
  upper="$(printf '%s' "$cloud" | tr a-z A-Z)"
  target="$(sed -n "s/^PUBLISH_${upper}_IMAGE=//p" "$list")"
  [ -n "$target" ] || continue
  case "$target" in
    *"@$digest") ;;
    *) echo "publish.sh: $list names $target, not digest $digest: synth ran for another release" >&2; exit 1 ;;
  esac
  repository="${target%@*}"
  host="${repository%%/*}"
  "login_$cloud" "$host"
  crane copy "$source_repository@$digest" "$repository:$release"
  landed="$(crane digest "$repository:$release")"
  if [ "$landed" != "$digest" ]; then
    echo "publish.sh: $repository:$release has digest $landed, expected $digest" >&2
    exit 1
  fi
  echo "Published $repository@$digest ($cloud)"
  copied=$((copied + 1))
done
[ "$copied" -gt 0 ] || { echo "publish.sh: $list names no image to publish" >&2; exit 1; }
