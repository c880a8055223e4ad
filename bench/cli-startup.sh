#!/usr/bin/env bash
# CLI start-up: `strata models list` on an empty store, this tree against a baseline revision. Builds the baseline in a
# temporary clone through its own launcher (`./strata --help`, into that clone's .build/cli) and this tree through
# ours, then runs `dotnet <out>/strata.dll models list` alternately for the two (the order flips every round, so a
# machine that speeds up or slows down during the run hurts both alike), all on one fresh STRATA_HOME, and prints
# one table: workload, current median ms, baseline median ms, ratio (current / baseline; below 1 is faster).
# Usage: bench/cli-startup.sh [--baseline REV] [--runs N]   (defaults: 91fdf6b, the commit before the SDK-only
# first run, and 10 runs each). The baseline's own build step may need what that revision needed (g++ and patchelf
# on Debian 12 for 91fdf6b).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
baseline=91fdf6b runs=10
while (($#)); do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/cli-startup.sh [--baseline REV] [--runs N]" >&2; exit 2 ;;
  esac
done
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

work="$(mktemp -d "${TMPDIR:-/tmp}/strata-cli-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "building the baseline ($baseline) in a temporary clone..." >&2
git clone --quiet --no-hardlinks --no-checkout "$root" "$work/baseline"
git -C "$work/baseline" -c advice.detachedHead=false checkout --quiet --detach "$baseline"
"$work/baseline/strata" --help >/dev/null
echo "building this tree..." >&2
"$root/strata" --help >/dev/null

home="$work/home"
mkdir "$home"
export STRATA_HOME="$home"
current_dll="$root/.build/cli/strata.dll" baseline_dll="$work/baseline/.build/cli/strata.dll"

# Prints two numbers, in ms: until the first line on standard output, and until the process exits.
measure() {
  local start first end
  start=$(date +%s%N)
  first=$(dotnet "$1" models list | { IFS= read -r _; date +%s%N; cat >/dev/null; })
  end=$(date +%s%N)
  echo "$(((first - start) / 1000000)) $(((end - start) / 1000000))"
}

# One untimed run each: the store's folders get created and both builds' files are in the page cache.
measure "$current_dll" >/dev/null
measure "$baseline_dll" >/dev/null
: >"$work/current" && : >"$work/baseline.times"
for ((round = 0; round < runs; round++)); do
  if ((round % 2 == 0)); then
    measure "$current_dll" >>"$work/current"
    measure "$baseline_dll" >>"$work/baseline.times"
  else
    measure "$baseline_dll" >>"$work/baseline.times"
    measure "$current_dll" >>"$work/current"
  fi
done

median() { # column $2 of file $1
  awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
printf '%-52s %12s %12s %7s\n' workload "current ms" "baseline ms" ratio
for column in 1 2; do
  name=$([[ $column == 1 ]] && echo "models list, start to first output" || echo "models list, start to exit")
  now=$(median "$work/current" "$column") then=$(median "$work/baseline.times" "$column")
  printf '%-52s %12s %12s %7s\n' "$name (median of $runs)" "$now" "$then" "$(awk -v a="$now" -v b="$then" 'BEGIN { printf "%.2f", a / b }')"
done
read -r load _ </proc/loadavg
echo "baseline $baseline, current $(git -C "$root" rev-parse --short HEAD)$([[ -z "$(git -C "$root" status --porcelain)" ]] || echo ' + uncommitted changes'); load average $load on $(nproc) cores: compare ratios, not times, on a busy machine"
