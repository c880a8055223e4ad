#!/usr/bin/env bash
# Runs Strata's benchmarks side by side with their peers and prints one table (workload, Strata, peer, ratio).
# Usage: bench/run.sh [--quick] [--rounds N] [--json] [NAME...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build "$root/bench/Strata.Benchmarks" -c Release --nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
exec dotnet "$root/bench/Strata.Benchmarks/bin/Release/net10.0/Strata.Benchmarks.dll" "$@"
