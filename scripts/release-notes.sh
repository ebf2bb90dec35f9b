#!/usr/bin/env bash
# scripts/release-notes.sh VERSION: print the CHANGELOG.md section of VERSION (without its heading), the release
# notes goreleaser publishes with --release-notes. Fails when the section is missing or empty, so that a release
# cannot go out without notes.
set -euo pipefail

version=${1:?usage: scripts/release-notes.sh VERSION (such as 0.1.0)}
version=${version#v}
changelog="$(cd "$(dirname "$0")/.." && pwd)/CHANGELOG.md"

notes=$(awk -v heading="## [$version]" '
  index($0, heading) == 1 { found = 1; next }
  found && /^## \[/ { exit }
  found && /^\[[^]]+\]: / { next }
  found { print }
' "$changelog" | sed -e '/./,$!d')
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  echo "CHANGELOG.md has no notes for $version" >&2
  exit 1
fi
printf '%s\n' "$notes"
