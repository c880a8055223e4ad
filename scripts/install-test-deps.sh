#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent: installs only what is missing.
# The tests' runtimes (llama.cpp, ONNX Runtime) arrive as NuGet packages during the build.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net/download); 'dotnet' is not on PATH." >&2
  exit 1
fi

sudo_cmd=""
[[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
apt_updated=""
apt_install() {
  if [[ -z "$apt_updated" ]]; then
    $sudo_cmd apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
# Debian's Chromium is the browser the end-to-end tests drive through Playwright (its own downloads are not used).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# Debian's reference manual is the real HTML corpus the document loader and chunker tests read.
[[ -f /usr/share/debian-reference/ch08.en.html ]] || missing+=(debian-reference-en)
# Python's library reference: the 317-page HTML corpus of the retrieval evaluation (docs/retrieval.md) and benchmark.
[[ -f /usr/share/doc/python3.11/html/library/re.html ]] || missing+=(python3.11-doc)
# Linux manual pages: the troff corpus the vector benchmark's real-text dataset is cut from (its tests read signal(7)).
[[ -f /usr/share/man/man7/signal.7.gz ]] || missing+=(manpages)
# The vector benchmark's hnswlib peer (tests/Strata.Cli.Tests) is a node program: npm installs hnswlib-node and compiles
# its addon with node-gyp (g++, make, python3) against the system's node headers (Debian: libnode-dev). A node
# installed another way is left alone: it brings its own npm and headers. (The TorchSharp compatibility step needs no
# compiler or python: it is C# that the SDK builds.)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm libnode-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The Synthesis tests train and evaluate on Fashion-MNIST.
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || missing+=(dataset-fashion-mnist)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

# The PostgreSQL backend's tests start a private PostgreSQL 15 cluster with the pgvector extension, built below from
# source with make and gcc.
pg_missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || pg_missing+=(postgresql-15)
[[ -x /usr/lib/postgresql/15/bin/pg_config && -f /usr/include/postgresql/15/server/postgres.h ]] || pg_missing+=(postgresql-server-dev-15)
command -v make >/dev/null 2>&1 || pg_missing+=(make)
command -v gcc >/dev/null 2>&1 || pg_missing+=(gcc)
if ((${#pg_missing[@]})); then
  echo "installing: ${pg_missing[*]}" >&2
  apt_install "${pg_missing[@]}"
fi

# Debian 12 packages no pgvector; Debian 13's source package (pgvector 0.8.0) builds against PostgreSQL 15.
# A private source list holds one deb-src line for trixie on the machine's own mirror, so the system's
# apt configuration is left untouched.
if [[ ! -f /usr/share/postgresql/15/extension/vector.control ]]; then
  echo "building pgvector from Debian's source package" >&2
  command -v dpkg-source >/dev/null 2>&1 || apt_install dpkg-dev
  # The mirror (and its signing keyring) are read from the machine's own Debian source, never hard-coded.
  sources_file=/etc/apt/sources.list.d/debian.sources
  mirror_uri=""
  keyring=""
  if [[ -f "$sources_file" ]]; then
    read -r mirror_uri keyring < <(awk '
      /^URIs:/ { uri = $2 } /^Signed-By:/ { key = $2 }
      /^[[:space:]]*$/ { if (uri != "" && uri !~ /security/) { print uri, key; found = 1; exit } uri = ""; key = "" }
      END { if (!found && uri != "" && uri !~ /security/) print uri, key }' "$sources_file") || true
  fi
  if [[ -z "$mirror_uri" && -f /etc/apt/sources.list ]]; then
    mirror_uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  if [[ -z "$mirror_uri" ]]; then
    echo "cannot find the Debian mirror in $sources_file to fetch pgvector's source package" >&2
    exit 1
  fi
  pgv_dir=$(mktemp -d)
  trap 'rm -rf "$pgv_dir"' EXIT
  # apt downloads as its unprivileged user, which must be able to write here.
  chmod 755 "$pgv_dir"
  mkdir -p "$pgv_dir/lists/partial"
  signed_by=""
  [[ -n "$keyring" ]] && signed_by="[signed-by=$keyring] "
  echo "deb-src ${signed_by}$mirror_uri trixie main" >"$pgv_dir/sources.list"
  apt_private=(-o "Dir::Etc::SourceList=$pgv_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$pgv_dir/lists")
  $sudo_cmd apt-get "${apt_private[@]}" update -qq
  (cd "$pgv_dir" && apt-get "${apt_private[@]}" source -qq pgvector >/dev/null)
  pgv_src=$(find "$pgv_dir" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  pg_config=/usr/lib/postgresql/15/bin/pg_config
  make -s -C "$pgv_src" PG_CONFIG="$pg_config" >/dev/null
  $sudo_cmd make -s -C "$pgv_src" install PG_CONFIG="$pg_config" >/dev/null
  rm -rf "$pgv_dir"
  trap - EXIT
fi
