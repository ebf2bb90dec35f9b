# Shared by the scripts that run OpenTofu (or Terraform) against the provider built from this checkout: build
# it into a local filesystem mirror, the way a user installs a release (`tofu init`, a lock file, no registry,
# no network), and start the local Graph emulator. Source it from bash after `set -euo pipefail`; `root` must
# be the repository root.

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# on_exit COMMAND: run COMMAND when the script exits. Like Go's defer, the last registered runs first,
# so the emulator stops before the directory it writes to is removed.
exit_hooks=()
on_exit() {
  exit_hooks=("$1" "${exit_hooks[@]}")
  trap 'for hook in "${exit_hooks[@]}"; do eval "$hook"; done' EXIT
}

# provider_version: the version the provider built here carries, the newest one CHANGELOG.md names. A mirror
# needs a release version: with no version constraint, the CLI never picks a pre-release such as 0.1.0-dev.
provider_version() {
  sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' "$root/CHANGELOG.md" | head -1
}

# build_provider DIR: build the provider into DIR/mirror, a filesystem mirror in the registries' unpacked
# layout (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION, the binary a release zip
# holds) under both registry hosts, and write DIR/cli.tfrc, a CLI configuration that installs
# entra-iac/entra from that mirror only. Exports TF_CLI_CONFIG_FILE; `tofu init` then installs the provider
# and writes a lock file. Sets provider_binary to the binary's path and provider_mirror to the mirror's.
build_provider() {
  local dir=$1 version os_arch host
  version=$(provider_version)
  os_arch=$(go env GOOS)_$(go env GOARCH)
  provider_mirror="$dir/mirror"
  for host in registry.opentofu.org registry.terraform.io; do
    mkdir -p "$provider_mirror/$host/entra-iac/entra/$version/$os_arch"
  done
  provider_binary="$provider_mirror/registry.opentofu.org/entra-iac/entra/$version/$os_arch/terraform-provider-entra_v$version"
  (cd "$root" && go build -ldflags "-X main.version=$version" -o "$provider_binary" .)
  # One binary under both hosts; a copy where a hard link is refused.
  ln -f "$provider_binary" "$provider_mirror/registry.terraform.io/entra-iac/entra/$version/$os_arch/" 2>/dev/null ||
    cp "$provider_binary" "$provider_mirror/registry.terraform.io/entra-iac/entra/$version/$os_arch/"
  cat >"$dir/cli.tfrc" <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$provider_mirror"
    include = ["registry.opentofu.org/entra-iac/entra", "registry.terraform.io/entra-iac/entra"]
  }
  direct {
    exclude = ["registry.opentofu.org/entra-iac/entra", "registry.terraform.io/entra-iac/entra"]
  }
}
disable_checkpoint = true
CONFIG
  export TF_CLI_CONFIG_FILE="$dir/cli.tfrc"
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}

# init_quietly CLI DIR: `CLI init` in DIR, which installs the provider from the mirror and writes the lock
# file; its output is shown only when it fails.
init_quietly() {
  local cli=$1 dir=$2
  (cd "$dir" && "$cli" init -input=false -no-color) >"$dir/.init.log" 2>&1 || {
    cat "$dir/.init.log"
    return 1
  }
  rm -f "$dir/.init.log"
}

# start_emulator DIR [FLAG...]: build and start the Graph emulator on a free loopback port, with the fakegraph
# flags given (such as -user-flows ""), stop it when the script exits, and export the ARM_* and ENTRA_*
# variables that sign the provider in to it, and the SSL_CERT_FILE that makes it trust the emulator's TLS
# certificate.
start_emulator() {
  local dir=$1
  shift
  mkdir -p "$dir"
  (cd "$root" && go build -o "$dir/fakegraph" ./internal/testing/fakegraph/cmd/fakegraph)
  rm -f "$dir/emulator.json"
  "$dir/fakegraph" -listen 127.0.0.1:0 -state-file "$dir/emulator.json" -log-requests "$@" >"$dir/emulator.log" 2>&1 &
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
  # The emulator serves TLS with a CA of its own, written beside its state file.
  SSL_CERT_FILE=$(field ca_file)
  export ARM_TENANT_ID ARM_CLIENT_ID ARM_CLIENT_SECRET ENTRA_GRAPH_ENDPOINT ENTRA_AUTHORITY_HOST SSL_CERT_FILE
  export ARM_USE_CLI=false
  echo "emulator at $ENTRA_GRAPH_ENDPOINT"
}
