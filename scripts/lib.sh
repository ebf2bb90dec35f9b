# Shared by the scripts that run OpenTofu against the provider built from this checkout: build it,
# point the CLI at it with dev_overrides (no registry, no network, no `tofu init`), and start the local
# Graph emulator. Source it from bash after `set -euo pipefail`; `root` must be the repository root.

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# on_exit COMMAND: run COMMAND when the script exits. Like Go's defer, the last registered runs first,
# so the emulator stops before the directory it writes to is removed.
exit_hooks=()
on_exit() {
  exit_hooks=("$1" "${exit_hooks[@]}")
  trap 'for hook in "${exit_hooks[@]}"; do eval "$hook"; done' EXIT
}

# build_provider DIR: build the provider into DIR and write DIR/cli.tfrc, a CLI configuration that makes
# OpenTofu (and Terraform) use that binary for entra-iac/entra. Exports TF_CLI_CONFIG_FILE.
build_provider() {
  local dir=$1
  mkdir -p "$dir/bin"
  (cd "$root" && go build -o "$dir/bin/terraform-provider-entra" .)
  cat >"$dir/cli.tfrc" <<CONFIG
provider_installation {
  dev_overrides {
    "registry.opentofu.org/entra-iac/entra" = "$dir/bin"
    "registry.terraform.io/entra-iac/entra" = "$dir/bin"
  }
  direct {}
}
disable_checkpoint = true
CONFIG
  export TF_CLI_CONFIG_FILE="$dir/cli.tfrc"
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}

# start_emulator DIR: build and start the Graph emulator on a free loopback port, stop it when the
# script exits, and export the ARM_* and ENTRA_* variables that sign the provider in to it.
start_emulator() {
  local dir=$1
  mkdir -p "$dir"
  (cd "$root" && go build -o "$dir/fakegraph" ./internal/testing/fakegraph/cmd/fakegraph)
  rm -f "$dir/emulator.json"
  "$dir/fakegraph" -listen 127.0.0.1:0 -state-file "$dir/emulator.json" -log-requests >"$dir/emulator.log" 2>&1 &
  emulator_pid=$!
  on_exit 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true'
  for _ in $(seq 1 100); do
    [ -s "$dir/emulator.json" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$dir/emulator.log"; return 1; }
    sleep 0.1
  done
  [ -s "$dir/emulator.json" ] || { echo "the emulator did not start"; cat "$dir/emulator.log"; return 1; }
  local state="$dir/emulator.json"
  field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$state"; }
  ARM_TENANT_ID=$(field tenant_id)
  ARM_CLIENT_ID=$(field client_id)
  ARM_CLIENT_SECRET=$(field client_secret)
  ENTRA_GRAPH_ENDPOINT=$(field url)
  ENTRA_AUTHORITY_HOST=$ENTRA_GRAPH_ENDPOINT
  export ARM_TENANT_ID ARM_CLIENT_ID ARM_CLIENT_SECRET ENTRA_GRAPH_ENDPOINT ENTRA_AUTHORITY_HOST
  export ARM_USE_CLI=false
  echo "emulator at $ENTRA_GRAPH_ENDPOINT"
}
