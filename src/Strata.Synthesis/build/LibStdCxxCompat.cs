// The decision behind the TorchSharp compatibility step (see Strata.Synthesis.TorchSharp.targets), apart from MSBuild
// so the Synthesis tests can compile it. .NET Standard 2.0 API surface only (no File.Move overwrite), as for the task.
//
// Why a one-byte edit is enough (measured on TorchSharp 0.107.0): libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13)
// for one symbol only, std::ios_base_library_init(). GCC 13's <iostream> emits it as a bare `.globl` to pin the
// libstdc++ version; no relocation of the library's 2,733 refers to it, so the loader never looks it up. Marking the
// version requirement weak (VER_FLG_WEAK) turns the loader's "version not found" refusal into nothing at all. The
// standard streams still work: libc10.so and libtorch_cpu.so, built with an older GCC, construct std::ios_base::Init
// themselves and load before libLibTorchSharp.so.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace Strata.Synthesis.Build;

/// <summary>
/// The decision and the edit, apart from MSBuild: which of the library's libstdc++ versions the system lacks, and
/// whether marking them weak is safe (no relocation needs a symbol of theirs).
/// </summary>
internal static class LibStdCxxCompat
{
    public const string LibStdCxx = "libstdc++.so.6";

    /// <summary>The versions <paramref name="library"/> needs from libstdc++ that <paramref name="systemLibStdCxx"/> does not define.</summary>
    public static List<ElfVersionNeed> Missing(ElfSymbolVersions library, ElfSymbolVersions systemLibStdCxx)
    {
        var defined = new HashSet<string>(systemLibStdCxx.Definitions, StringComparer.Ordinal);
        return library.Needs.Where(n => n.File == LibStdCxx && !defined.Contains(n.Version)).ToList();
    }

    /// <summary>Those of <paramref name="missing"/> that a relocation needs: weak marking cannot help them.</summary>
    public static List<ElfVersionNeed> Called(ElfSymbolVersions library, IEnumerable<ElfVersionNeed> missing) =>
        missing.Where(n => library.RelocatedVersionIndices.Contains(n.Index)).ToList();

    /// <summary>The libstdc++ that the loader gives libraries loaded into this (dotnet) process, or null.</summary>
    public static string? FindSystemLibStdCxx()
    {
        // The dotnet host itself links libstdc++.so.6, so the copy mapped into this build process is the one every
        // dotnet process on this machine already has loaded when TorchSharp asks for libLibTorchSharp.so.
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                var slash = line.IndexOf('/');
                var path = slash < 0 ? "" : line.Substring(slash);
                if (Path.GetFileName(path).StartsWith(LibStdCxx, StringComparison.Ordinal) && File.Exists(path))
                {
                    return path;
                }
            }
        }

        return new[] { "/usr/lib/x86_64-linux-gnu/", "/lib/x86_64-linux-gnu/", "/usr/lib64/", "/lib64/", "/usr/lib/" }
            .Select(folder => folder + LibStdCxx)
            .FirstOrDefault(File.Exists);
    }

    public static string Sha256(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return string.Concat(sha.ComputeHash(bytes).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes a temporary file beside <paramref name="path"/> and renames it over, so no reader sees half a file.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        // The rename also matters when the output file is a hard link into the NuGet cache: it is replaced, never written through.
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(path))
            {
                File.Replace(temp, path, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temp, path);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
