#!/usr/bin/env bash
# make module-test: run the `tofu test` suite of every module under examples/modules against the local
# Graph emulator, with the provider built from this checkout. The tests apply for real (command = apply)
# and assert on the module's outputs; the client certificates they upload are made afresh for each run.
# Each module is copied and initialised outside the checkout, so no .terraform or lock file lands in it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"
tofu=$(realpath "${TOFU:-$root/.bin/tofu}")
work=$(mktemp -d)
on_exit 'rm -rf "$work"'
mkdir -p "$work/certificates"

step "Building the provider"
build_provider "$work"

step "Starting the Graph emulator"
start_emulator "$work"

step "Making test certificates"
# NAME:NOT_BEFORE:LIFETIME, relative to now (scripts/testcert).
(cd "$root" && go run ./scripts/testcert -out "$work/certificates" \
  current:-1h:365d expiring:-358d:365d next:-1h:365d replacement:-1h:365d future:7d:365d)

status=0
for module in "$root"/examples/modules/*/; do
  [ -d "$module/tests" ] || continue
  step "tofu test ${module#"$root"/}"
  copy="$work/modules/$(basename "$module")"
  mkdir -p "$copy"
  cp -R "$module"/. "$copy"/
  init_quietly "$tofu" "$copy" || { status=1; continue; }
  (cd "$copy" && "$tofu" test -no-color -var "certificates_dir=$work/certificates") || status=1
done

if [ "$status" -ne 0 ]; then
  step "Requests the emulator answered"
  cat "$work/emulator.log"
fi
exit "$status"
