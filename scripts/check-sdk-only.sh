#!/usr/bin/env bash
# Proves that the README's first command needs only the .NET SDK and bash: a fresh copy of the repository is built and
# run with a PATH that holds nothing but a few basic tools and dotnet (no C/C++ compiler, make, patchelf or python),
# then `strata doctor` must find TorchSharp, `strata train` must train two steps and `strata serve` must answer
# GET /health. The copy is a `git clone` of HEAD when the working tree is clean; otherwise the working tree's files
# (tracked and untracked, not ignored), so what is checked is what is here. Exits non-zero on the first failure.
# Usage: scripts/check-sdk-only.sh   (scripts/test.sh runs it after the build; it needs the Fashion-MNIST package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dataset=/usr/share/datasets/fashion-mnist

say() { printf 'sdk-only: %s\n' "$*"; }
fail() { printf 'sdk-only: FAILED: %s\n' "$*" >&2; exit 1; }

[[ -f "$dataset/train-images-idx3-ubyte.gz" ]] || fail "$dataset is missing (scripts/install-test-deps.sh installs it)"
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-sdk-only.XXXXXX")"
server=""
cleanup() {
  [[ -z "$server" ]] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT

# The source, as a fresh checkout would have it: no bin/, obj/ or .build/.
if [[ -z "$(git -C "$root" status --porcelain)" ]]; then
  say "cloning HEAD ($(git -C "$root" rev-parse --short HEAD))"
  git clone --quiet --no-hardlinks "$root" "$work/strata"
else
  say "the working tree has uncommitted changes: copying its files instead of cloning HEAD"
  mkdir "$work/strata"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf -) 2>/dev/null |
    tar -xf - -C "$work/strata"
fi

# The stripped PATH: links to an allowlist of basic tools and dotnet, nothing else.
bin="$work/bin"
mkdir "$bin"
allowed=(bash sh env cat cp mv rm mkdir mktemp ls ln readlink realpath dirname basename touch head tail wc sort uniq tr
  cut sleep date tee chmod uname id find grep sed awk xargs dotnet)
for tool in "${allowed[@]}"; do
  path="$(command -v "$tool")" || fail "basic tool '$tool' not found"
  ln -s "$(readlink -f "$path")" "$bin/$tool"
done
for tool in g++ gcc cc c++ clang make patchelf python3 python; do
  if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then
    fail "'$tool' is reachable in the stripped PATH"
  fi
done
say "PATH holds only: ${allowed[*]} (no g++, gcc, cc, c++, clang, make, patchelf, python3)"

home="$work/home"
mkdir "$home"
# No reused MSBuild nodes or build server: every process of the build starts with the stripped PATH.
stripped=(env -u LD_LIBRARY_PATH -u LD_PRELOAD PATH="$bin" STRATA_HOME="$home" MSBUILDDISABLENODEREUSE=1
  DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1 DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1)
strata() { "${stripped[@]}" "$work/strata/strata" "$@"; }

say "strata doctor --json (builds the command line first)"
started=$SECONDS
doctor="$(strata doctor --json)" || fail "strata doctor exited with $?"
say "  built and ran in $((SECONDS - started)) s"
torch="$(printf '%s' "$doctor" | tr -d '\n' | grep -o '{ *"name": *"TorchSharp"[^}]*}')" || fail "doctor reports no TorchSharp runtime: $doctor"
printf '%s' "$torch" | grep -q '"available": *true' || fail "TorchSharp is not available: $torch"
say "  TorchSharp available: $(printf '%s' "$torch" | sed 's/.*"detail": *"\([^"]*\)".*/\1/; s/\\u002B/+/g')"

say "strata datasets import + strata train (tiny DCGAN, 2 steps)"
strata datasets import "$dataset" --name fm --limit 64 >/dev/null || fail "strata datasets import exited with $?"
cat >"$work/tiny.json" <<'JSON'
{ "name": "tiny", "architecture": "dcgan", "image": { "size": 28, "channels": 1 },
  "model": { "latentSize": 8, "generatorWidths": [16, 8], "discriminatorWidths": [8, 16] },
  "training": { "dataset": "fm", "batchSize": 8, "maxSteps": 2, "sampleEvery": 0, "checkpointEvery": 0 } }
JSON
train="$(strata train "$work/tiny.json" 2>&1)" || fail "strata train exited with $?: $train"
[[ "$train" == *"step 2/2"* && "$train" == *"registered as 'tiny'"* ]] || fail "strata train did not finish two steps: $train"
say "  trained 2 steps and registered the model 'tiny'"

say "strata serve on a free loopback port"
# A plain command, not the function, so that $! is the server itself (env and the launcher exec into dotnet).
"${stripped[@]}" "$work/strata/strata" serve --urls http://127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 240); do
  kill -0 "$server" 2>/dev/null || fail "strata serve exited: $(cat "$work/serve.log")"
  # The first "serving on" line only (sed quits there): the URL may be printed more than once.
  port="$(sed -n '/serving on http:\/\/127\.0\.0\.1:[0-9]/{s/.*serving on http:\/\/127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p;q;}' "$work/serve.log")"
  [[ -z "$port" ]] || break
  sleep 0.5
done
[[ -n "$port" ]] || fail "strata serve did not start within 2 minutes: $(cat "$work/serve.log")"
# curl may not exist; bash's /dev/tcp speaks enough HTTP for one GET.
health() {
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&3
  reply="$(cat <&3)"
  exec 3<&-
  [[ "$reply" == "HTTP/1.1 200"* ]]
}
reply=""
for _ in $(seq 1 60); do
  if health 2>/dev/null; then
    say "  GET http://127.0.0.1:$port/health -> $(printf '%s' "$reply" | head -n 1 | tr -d '\r'), body $(printf '%s' "$reply" | tr -d '\r' | grep -o '{.*}' | head -n 1)"
    say "passed: doctor, train and serve work with only the .NET SDK and bash"
    exit 0
  fi
  sleep 0.5
done
fail "GET /health did not answer 200 within 30 s (last reply: ${reply:-none}); server log: $(cat "$work/serve.log")"
