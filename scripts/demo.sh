#!/usr/bin/env bash
# make demo: what a user sees, against the local Graph emulator and with the CLI already on this machine.
# The provider built from this checkout is installed the way a release is (a filesystem mirror in registry
# layout, `init`, a lock file). The emulator starts with no user flow, and one apply makes a self-service
# sign-up flow whole: a custom attribute, the flow with its sign-up page and identity providers, two API
# connectors and the link to the flow's steps. Then a clean second plan, no secret in any file, an import,
# and destroy. Everything runs on loopback; nothing is left running.
#
# The CLI: DEMO_CLI when set; otherwise `tofu`, then `terraform` on PATH, when at least the version the demo's
# required_version names (versions.tofu for OpenTofu, versions.tf for Terraform); then .bin/tofu; and only
# when there is none of these, OpenTofu built from its Go module (make tools, about 5 minutes once).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/config" "$work/secrets"

# version_of CLI: the version CLI reports, such as 1.12.6 (both CLIs print the same JSON).
version_of() {
  TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}
# floor_of FILE: the oldest version FILE's required_version (">= X.Y.Z") accepts.
floor_of() {
  sed -n 's/.*required_version *= *">= *\([0-9.]*\)".*/\1/p' "$1"
}
# at_least VERSION FLOOR
at_least() {
  [ -n "$1" ] && [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

step "Choosing the CLI"
declare -A floor=(
  [tofu]=$(floor_of "$root/examples/demo/versions.tofu")
  [terraform]=$(floor_of "$root/examples/demo/versions.tf")
)
cli=
if [ -n "${DEMO_CLI:-}" ]; then
  cli=$(command -v "$DEMO_CLI") && cli=$(realpath "$cli") || { echo "DEMO_CLI=$DEMO_CLI: no such command"; exit 1; }
  echo "DEMO_CLI names $cli"
else
  for candidate in tofu terraform "$root/.bin/tofu"; do
    path=$(command -v "$candidate") || continue
    name=$(basename "$path")
    version=$(version_of "$path")
    if at_least "$version" "${floor[$name]}"; then
      cli=$path
      break
    fi
    echo "skipping $path: version ${version:-unknown}, the demo needs $name ${floor[$name]} or later"
  done
fi
if [ -z "$cli" ]; then
  echo "No OpenTofu ${floor[tofu]}+ or Terraform ${floor[terraform]}+ on PATH, and none in .bin:"
  echo "building OpenTofu from its Go module (make tools: about 5 minutes on two cores, once)."
  make --no-print-directory -C "$root" tools
  cli=$root/.bin/tofu
fi
name=$(basename "$cli")
case $name in tofu | terraform) ;; *) echo "$cli: not tofu or terraform"; exit 1 ;; esac
echo "Using $name $(version_of "$cli") at $cli"

step "Building the provider into a local mirror, laid out as a registry serves a release"
build_provider "$work"
# The binary is named after the version CHANGELOG.md names, as the release will be.
echo "${provider_binary#"$work"/}"

step "Starting the Graph emulator, with no user flow: the configuration makes its own"
start_emulator "$work" -user-flows ""

step "Making a client certificate (PKCS#12) and the secrets, which live in the environment only"
(cd "$root" && go run ./scripts/testcert -out "$work/secrets" demo:-1h:365d)
cert_field() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$work/secrets/demo.json"; }
pfx_base64=$(cert_field pfx_base64)
thumbprint=$(cert_field thumbprint)
printf '%s' "$pfx_base64" | base64 -d >"$work/secrets/demo.pfx"
export TF_VAR_pfx_file="$work/secrets/demo.pfx"
TF_VAR_pfx_password=$(cert_field password)
export TF_VAR_pfx_password
export TF_VAR_api_password="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
rm "$work/secrets/demo.json"
echo "demo.pfx: thumbprint $thumbprint; its password and the API password are in TF_VAR_* variables"

cp "$root"/examples/demo/*.tf "$root"/examples/demo/*.tofu "$work/config/"
cd "$work/config"

step "$name providers lock and $name init: the provider from the mirror, recorded in a lock file"
# `providers lock` records the checksum of the binary in the mirror, as a team does for a mirror; `init`
# then installs it from there.
"$cli" providers lock -fs-mirror="$provider_mirror" -platform="$(go env GOOS)_$(go env GOARCH)" >/dev/null
"$cli" init -input=false
cat .terraform.lock.hcl

step "$name plan: the certificate is read at plan time and shown before it is sent"
"$cli" plan -input=false -out=demo.tfplan | tee plan.txt
grep -q "thumbprint *= *\"$thumbprint\"" plan.txt || {
  echo "the plan does not show the certificate's thumbprint $thumbprint"
  exit 1
}
echo
echo "The plan shows thumbprint $thumbprint, the certificate in demo.pfx."

step "$name apply: the attribute, the flow, the connectors and the link, in one apply"
"$cli" apply -input=false demo.tfplan

step "What Graph now holds: the flow made here, its sign-up page and providers, the connectors at its steps"
# output_json NAME: an output as compact JSON, for comparing.
output_json() { "$cli" output -json "$1" | tr -d ' \n'; }
flow=$("$cli" output -raw partner_signup_id)
attribute=$("$cli" output -raw loyalty_number_id)
grep -q " POST /v1.0/identity/b2xUserFlows 201$" "$work/emulator.log" || {
  echo "the emulator never answered 201 to a POST /v1.0/identity/b2xUserFlows: the flow was not created by this apply"
  exit 1
}
want_fields="[\"Email\",\"GivenName\",\"Surname\",\"$attribute\"]"
[ "$(output_json partner_signup_fields)" = "$want_fields" ] || {
  echo "$flow's sign-up page asks for $(output_json partner_signup_fields), not $want_fields"
  exit 1
}
want_providers='["AADSignup-OAUTH","EmailOtpSignup-OAUTH"]'
[ "$(output_json partner_signup_providers)" = "$want_providers" ] || {
  echo "$flow offers $(output_json partner_signup_providers), not $want_providers"
  exit 1
}
want_calls="{\"post_attribute_collection\":\"$("$cli" output -raw loyalty_lookup_id)\",\"post_federation_signup\":\"$("$cli" output -raw partner_check_id)\"}"
[ "$(output_json partner_signup_calls)" = "$want_calls" ] || {
  echo "$flow calls $(output_json partner_signup_calls), not $want_calls"
  exit 1
}
echo "Graph made the flow $flow (the emulator started with none) and says:"
echo "  its sign-up page asks for Email, GivenName, Surname and the custom attribute $attribute, in that order;"
echo "  it offers $want_providers;"
echo "  it calls the Partner check connector at postFederationSignup and Loyalty lookup at postAttributeCollection."

step "No secret in any file the CLI wrote"
"$cli" show -json demo.tfplan >plan.json
"$cli" show -json >state.json
for secret in TF_VAR_api_password TF_VAR_pfx_password pfx_base64; do
  value=${!secret}
  if found=$(grep -rlF -- "$value" .); then
    echo "$secret is in: $found"
    exit 1
  fi
done
if grep -E '"[a-z_]+_wo": *"' terraform.tfstate; then
  echo "a write-only argument has a value in the state"
  exit 1
fi
echo "Searched the $(find . -type f | wc -l) files here (terraform.tfstate, the saved plan as plan.json, the state as"
echo "state.json, the lock file, .terraform): the API password, the PFX password and the PFX file are in none."
echo "The state holds all $(grep -cE '"[a-z_]+_wo": *null' terraform.tfstate) write-only arguments as null."

step "$name plan: a second plan is empty"
set +e
"$cli" plan -input=false -detailed-exitcode
status=$?
set -e
[ "$status" -eq 0 ] || { echo "the second plan was not empty (exit code $status)"; exit 1; }

step "Import: forget the flow and the certificate connector, then bring both back with import blocks"
id=$("$cli" output -raw loyalty_lookup_id)
"$cli" state rm entra_user_flow.partner_signup entra_identity_api_connector.loyalty_lookup
cat >import.tf <<CONFIG
import {
  to = entra_user_flow.partner_signup
  id = "$flow"
}

import {
  to = entra_identity_api_connector.loyalty_lookup
  id = "$id"
}
CONFIG
cat import.tf
# The flow imports as it is. Graph never returns a secret, so the first apply after the connector's import
# sends the certificate again.
"$cli" apply -input=false -auto-approve
rm import.tf
set +e
"$cli" plan -input=false -detailed-exitcode >/dev/null
status=$?
set -e
[ "$status" -eq 0 ] || { echo "the plan after the import was not empty (exit code $status)"; exit 1; }
echo "The plan after the import is empty."

step "$name destroy"
"$cli" destroy -input=false -auto-approve
grep -q " DELETE /v1.0/identity/b2xUserFlows/$flow 204$" "$work/emulator.log" || {
  echo "the destroy did not delete $flow"
  exit 1
}

step "Requests the emulator answered"
grep -v -e '^tenant id' -e '^client' "$work/emulator.log" || true
echo
echo "Demo finished on $name: installed from a mirror; a sign-up flow with its custom attribute, connectors and"
echo "link planned and applied in one go, planned clean, imported, destroyed."
