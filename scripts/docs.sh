#!/usr/bin/env bash
# make docs: regenerate docs/ from templates/, examples/ and the provider's schema, offline. OpenTofu
# writes the schema of the provider built from this checkout (installed from a local mirror); tfplugindocs
# renders it with --providers-schema, so it neither builds the provider itself nor downloads Terraform.
# make docs-validate (scripts/docs.sh validate): tfplugindocs validate on docs/ as committed, against the
# same schema: every page where the registry looks for it, with the front matter and sections it expects.
set -euo pipefail
mode=${1:-generate}

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
tofu=$(realpath "${TOFU:-$root/.bin/tofu}")
tfplugindocs=$(realpath "${TFPLUGINDOCS:-$root/.bin/tfplugindocs}")
work=$(mktemp -d)
on_exit 'rm -rf "$work"'

build_provider "$work"
mkdir -p "$work/config"
cat >"$work/config/main.tf" <<'CONFIG'
terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}
CONFIG
init_quietly "$tofu" "$work/config"
(cd "$work/config" && "$tofu" providers schema -json 2>"$work/tofu.log" >"$work/schema.json") || {
  cat "$work/tofu.log"
  exit 1
}
# tfplugindocs finds a provider's schema under its short name (or registry.terraform.io/hashicorp/NAME),
# so the OpenTofu registry address is renamed.
sed -i 's#"registry\.opentofu\.org/entra-iac/entra":#"entra":#' "$work/schema.json"
grep -q '"entra":' "$work/schema.json" || { echo "no entra provider in the schema OpenTofu wrote"; exit 1; }

cd "$root"
case $mode in
generate)
  # The compatibility table names the OpenTofu the tests run on: the one built here from tools/go.mod.
  tested=$(TF_CLI_CONFIG_FILE=/dev/null "$tofu" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
  grep -q "^| OpenTofu |.*| $tested |$" templates/index.md.tmpl || {
    echo "templates/index.md.tmpl: the Compatibility table must say the tests ran on OpenTofu $tested"
    exit 1
  }
  "$tfplugindocs" generate \
    --provider-name entra \
    --rendered-provider-name "Microsoft Entra" \
    --providers-schema "$work/schema.json" \
    --website-temp-dir "$work/website"
  echo "docs/ generated"
  ;;
validate)
  # validate logs every file it looks at; its output is shown only when it finds a problem.
  "$tfplugindocs" validate --provider-name entra --providers-schema "$work/schema.json" >"$work/validate.log" 2>&1 || {
    cat "$work/validate.log"
    exit 1
  }
  echo "docs/ validated: tfplugindocs validate found no problem"
  ;;
*)
  echo "usage: scripts/docs.sh [generate|validate]" >&2
  exit 2
  ;;
esac
