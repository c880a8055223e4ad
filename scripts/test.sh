#!/usr/bin/env bash
# Runs Strata's whole test suite from nothing: installs what the tests need (idempotent), builds, tests,
# and ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/install-test-deps.sh

results="$root/.build/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Strata.slnx -c Release --nologo -v quiet -clp:ErrorsOnly -clp:NoSummary

status=0
# The README's first command on a machine with only the SDK and bash: a fresh copy, built and run without a
# compiler, make, patchelf or python on PATH (about 3 minutes: it builds the command line once more).
bash scripts/check-sdk-only.sh || status=$?

dotnet test Strata.slnx -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# One closing line summing every test project's TRX report (the Counters element of each).
awk '
  function count(name,   found) {
    if (!match(counters, " " name "=\"[0-9]+\"")) return 0
    found = substr(counters, RSTART, RLENGTH)
    gsub(/[^0-9]/, "", found)
    return found + 0
  }
  FNR == 1 { files++ }
  match($0, /<Counters [^>]*>/) {
    counters = substr($0, RSTART, RLENGTH); read++
    passed += count("passed")
    failed += count("failed") + count("error") + count("timeout") + count("aborted")
    skipped += count("notExecuted")
  }
  END {
    if (files == 0 || read != files) exit 1
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
  }' "$results"/*.trx || { echo "could not read the test reports" >&2; status=1; }
exit "$status"
