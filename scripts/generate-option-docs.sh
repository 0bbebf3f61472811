#!/usr/bin/env bash
# Regenerates templates/metadata.json (the Flex Template's parameters) and docs/options.md from the option
# declarations in GkeAuditOptions. Run it after adding or changing an option; GeneratedOptionFilesTest fails until then.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q test -pl pipeline -Dtest=GeneratedOptionFilesTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgkeaudit.regenerate=true
git status --short templates/metadata.json docs/options.md
