#!/usr/bin/env bash
# TorchSharp 0.107.0's libLibTorchSharp.so asks libstdc++ for GLIBCXX_3.4.32 (GCC 13) for exactly one symbol,
# std::ios_base_library_init(). Older libstdc++ (Debian 12 stops at 3.4.30) makes the load fail. Where that is
# the case, this script puts a patched copy of the library, plus a one-function shim that defines the symbol,
# into the output folder. Elsewhere it does nothing. The patched pair is cached by the package file's hash, so
# rebuilds only copy two files.
#   usage: torchsharp-compat.sh PACKAGE_LIB OUTPUT_DIR CACHE_DIR
set -euo pipefail
package_lib="$1" output_dir="$2" cache_dir="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libstdcxx="$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')"
libstdcxx="${libstdcxx:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"

[[ -f "$package_lib" ]] || exit 0
# The version definitions are plain strings in the library; a newer libstdc++ needs nothing.
if [[ ! -f "$libstdcxx" ]] || grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  rm -f "$output_dir/libiosinit.so" "$output_dir/torchsharp-compat.json"
  exit 0
fi

hash="$(sha256sum "$package_lib" | cut -c1-16)"
entry="$cache_dir/$hash"
if [[ ! -f "$entry/libLibTorchSharp.so" || ! -f "$entry/libiosinit.so" ]]; then
  for tool in g++ patchelf python3; do
    command -v "$tool" >/dev/null || { echo "error: TorchSharp needs '$tool' on this system (libstdc++ lacks GLIBCXX_3.4.32); install it (scripts/install-test-deps.sh does)." >&2; exit 1; }
  done
  work="$(mktemp -d "${cache_dir%/}.tmp.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  printf '#include <ios>\nnamespace std { void ios_base_library_init() { static ios_base::Init init; } }\n' > "$work/iosinit.cpp"
  g++ -shared -fPIC -O2 -o "$work/libiosinit.so" "$work/iosinit.cpp"
  cp "$package_lib" "$work/libLibTorchSharp.so"
  patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$work/libLibTorchSharp.so"
  patchelf --add-needed libiosinit.so "$work/libLibTorchSharp.so"
  patchelf --set-rpath '$ORIGIN' "$work/libLibTorchSharp.so"
  python3 "$here/elf-weak-version.py" "$work/libLibTorchSharp.so" GLIBCXX_3.4.32
  mkdir -p "$cache_dir"
  rm -f "$work/iosinit.cpp"
  # A rename, so no build sees half an entry; when a parallel build got there first, its entry is as good as ours.
  mv -T "$work" "$entry" 2>/dev/null || rm -rf "$work"
  trap - EXIT
fi

mkdir -p "$output_dir"
for file in libLibTorchSharp.so libiosinit.so; do
  cmp -s "$entry/$file" "$output_dir/$file" || { cp "$entry/$file" "$output_dir/$file.tmp.$$" && mv -f "$output_dir/$file.tmp.$$" "$output_dir/$file"; }
done
printf '{"patched":true,"reason":"system libstdc++ lacks GLIBCXX_3.4.32","package_sha256_prefix":"%s"}\n' "$hash" > "$output_dir/torchsharp-compat.json"
