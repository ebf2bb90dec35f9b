#!/usr/bin/env bash
# make demo: build the provider, start the local Graph emulator, apply examples/demo with OpenTofu, show
# that a second plan is empty, and destroy. Everything runs on loopback; nothing is left running.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
tofu="$root/.bin/tofu"
rm -rf "$work"
mkdir -p "$work/bin" "$work/config"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the provider"
(cd "$root" && go build -o "$work/bin/terraform-provider-entra" .)

step "Starting the Graph emulator"
(cd "$root" && go build -o "$work/fakegraph" ./internal/testing/fakegraph/cmd/fakegraph)
"$work/fakegraph" -listen 127.0.0.1:0 -state-file "$work/emulator.json" -log-requests >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/emulator.json" ] && break
  kill -0 "$emulator" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
[ -s "$work/emulator.json" ] || { echo "the emulator did not start"; cat "$work/emulator.log"; exit 1; }
field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$work/emulator.json"; }
url=$(field url)
echo "emulator at $url"

# The CLI uses the provider just built instead of a registry: no network is needed.
cat >"$work/cli.tfrc" <<CONFIG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/entra-iac/entra" = "$work/bin"
  }
  direct {}
}
disable_checkpoint = true
CONFIG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export CHECKPOINT_DISABLE=1
export ARM_TENANT_ID="$(field tenant_id)" ARM_CLIENT_ID="$(field client_id)" ARM_CLIENT_SECRET="$(field client_secret)"
export ENTRA_GRAPH_ENDPOINT="$url" ENTRA_AUTHORITY_HOST="$url" ARM_USE_CLI=false
export TF_VAR_api_password="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export TF_IN_AUTOMATION=1

cp "$root/examples/demo/main.tf" "$work/config/"
cd "$work/config"

step "tofu apply"
"$tofu" apply -auto-approve -input=false

step "tofu plan (a second plan must be empty)"
set +e
"$tofu" plan -detailed-exitcode -input=false
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "the second plan was not empty (exit code $status)"
  exit 1
fi

if grep -q "$TF_VAR_api_password" "$work/config/terraform.tfstate"; then
  echo "the password reached the state file"
  exit 1
fi
echo "The state holds no password: $(grep -c password_wo "$work/config/terraform.tfstate") password_wo attribute(s), all null."

step "tofu destroy"
"$tofu" destroy -auto-approve -input=false

step "Requests the emulator answered"
grep -v -e '^tenant id' -e '^client' "$work/emulator.log" || true
echo
echo "Demo finished: created, planned clean, destroyed."
