#!/usr/bin/env bash
# make examples-validate: check that every example is formatted and that `tofu validate` accepts each
# example directory against the provider built from this checkout (`tofu init` from a local mirror: offline).
# The snippets under examples/resources, examples/data-sources and examples/functions leave out the terraform
# block, as the registry docs show them; a copy of each gets one, naming entra-iac/entra, before it is
# validated. Every other example (guides, modules, the demo, the provider) must init as it is written.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
tofu=$(realpath "${TOFU:-$root/.bin/tofu}")
work=$(mktemp -d)
on_exit 'rm -rf "$work"'

step "Building the provider"
build_provider "$work"

step "tofu fmt -check examples"
"$tofu" fmt -recursive -check -diff "$root/examples" || {
  echo "the examples above need formatting: make fmt"
  exit 1
}

step "tofu validate, one example directory at a time"

failed=0 count=0
while IFS= read -r dir; do
  rel=${dir#"$root"/}
  copy="$work/examples/$rel"
  mkdir -p "$copy"
  cp -R "$dir"/. "$copy"/
  # Only the registry snippets may leave the terraform block out; a guide, module or demo must init as shown.
  if [[ $rel =~ ^examples/(resources|data-sources|functions)/ ]] && ! grep -qs 'required_providers' "$copy"/*.tf; then
    cat >"$copy/zz_required_providers.tf" <<'CONFIG'
terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}
CONFIG
  fi
  count=$((count + 1))
  if (cd "$copy" && "$tofu" init -input=false -no-color && "$tofu" validate -no-color) >"$work/validate.log" 2>&1; then
    echo "ok      $rel"
  else
    echo "FAILED  $rel"
    sed 's/^/        /' "$work/validate.log"
    failed=$((failed + 1))
  fi
done < <(find "$root/examples" \( -name '*.tf' -o -name '*.tofu' \) -not -path '*/.terraform/*' -not -path '*/tests/*' -printf '%h\n' | sort -u)

echo
echo "$((count - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
