#!/usr/bin/env bash
# Runs Strata's benchmarks. Builds the benchmark program first, every time: dotnet build skips what is up to date and
# rebuilds when bench/ or src/ changed. Its output goes to standard error, so --json output stays clean.
# Usage: bench/run.sh server|vectors [OPTIONS]                  what 'strata bench server|vectors' runs (--help for options)
#        bench/run.sh retrieval-baseline --qa FILE PAGE.html...  the naive retrieval baseline, scored as 'strata eval retrieval'
#        bench/run.sh retrieval-maxsim -c NAME --qa FILE         hybrid vs hybrid + MaxSim reranking of its first 20 chunks
#        bench/run.sh [--quick] [--rounds N] [--json] [NAME...]  side by side with each peer: one table (workload, Strata, peer, ratio)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build "$root/bench/Strata.Benchmarks" -c Release --nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
exec dotnet "$root/bench/Strata.Benchmarks/bin/Release/net10.0/Strata.Benchmarks.dll" "$@"
