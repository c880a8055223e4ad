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
# python3 reads the test reports for the closing summary line (and edits one ELF flag in the TorchSharp step).
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# Debian's Chromium is the browser the end-to-end tests drive through Playwright (its own downloads are not used).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# Debian's reference manual is the real HTML corpus the document loader and chunker tests read.
[[ -f /usr/share/debian-reference/ch08.en.html ]] || missing+=(debian-reference-en)
# The TorchSharp compatibility step (src/Strata.Synthesis/build/) compiles a shim and patches a library copy
# where the system libstdc++ predates GCC 13.
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v patchelf >/dev/null 2>&1 || missing+=(patchelf)
# The Synthesis tests train and evaluate on Fashion-MNIST.
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || missing+=(dataset-fashion-mnist)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi
