#!/usr/bin/env python3
"""Marks one version requirement of an ELF64 little-endian shared library as weak (VER_FLG_WEAK).

The dynamic loader then only warns, instead of refusing to load, when the providing library lacks that
version. patchelf has no option for this, so the few bytes are edited here.
usage: elf-weak-version.py LIBRARY VERSION_NAME
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            print(f"error: {path} is not a 64-bit little-endian ELF file", file=sys.stderr)
            return 1
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        found = False
        for _, sh_type, _, _, offset, _, link, info, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[link][4]
            need = offset
            for _ in range(info):
                _, count, _, aux, next_need = struct.unpack_from("<HHIII", data, need)
                entry = need + aux
                for _ in range(count):
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                    end = data.index(b"\0", strtab + name)
                    if data[strtab + name:end].decode() == version:
                        struct.pack_into("<H", data, entry + 4, flags | VER_FLG_WEAK)
                        found = True
                    entry += next_aux
                need += next_need
        if not found:
            print(f"error: {path} has no requirement for {version}", file=sys.stderr)
            return 1
        f.seek(0)
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
