// The TorchSharp compatibility step, run by Strata.Synthesis.TorchSharp.targets after every copy of libLibTorchSharp.so
// to an output folder. The targets compile this file with the SDK's own C# compiler into a task assembly, so the step
// needs nothing but the .NET SDK: no C/C++ compiler, patchelf or python. The Synthesis tests compile it too, without
// the task class (STRATA_ELF_TESTS), to test the ELF edit on the real package library. It is compiled against the
// reference assemblies MSBuild gives inline tasks (.NET Standard 2.0), so it uses only that API surface (no spans,
// no records, no File.Move overwrite).
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
using System.Text;

namespace Strata.Synthesis.Build;

/// <summary>One version a library needs from another (an entry of its <c>.gnu.version_r</c> section).</summary>
internal sealed class ElfVersionNeed
{
    public ElfVersionNeed(string file, string version, ushort flags, ushort index, int flagsOffset)
    {
        File = file;
        Version = version;
        Flags = flags;
        Index = index;
        FlagsOffset = flagsOffset;
    }

    /// <summary>The library asked for, as its soname (<c>libstdc++.so.6</c>).</summary>
    public string File { get; }

    public string Version { get; }

    public ushort Flags { get; }

    /// <summary>The index that <c>.gnu.version</c> entries use to point at this requirement.</summary>
    public ushort Index { get; }

    /// <summary>Where <c>vna_flags</c> sits in the file.</summary>
    public int FlagsOffset { get; }

    public bool IsWeak => (Flags & ElfSymbolVersions.VerFlgWeak) != 0;
}

/// <summary>
/// The symbol-versioning tables of an ELF64 little-endian shared library, read from its section headers: the versions
/// it needs (<c>.gnu.version_r</c>), the versions it defines (<c>.gnu.version_d</c>), and the versions that its
/// relocated dynamic symbols ask for. Anything out of place throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class ElfSymbolVersions
{
    public const ushort VerFlgWeak = 0x2;
    private const uint ShtRela = 4, ShtDynsym = 11, ShtRel = 9;
    private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;

    private readonly byte[] image;

    private ElfSymbolVersions(byte[] image, List<ElfVersionNeed> needs, List<string> definitions, HashSet<ushort> relocatedVersionIndices, int relocationCount)
    {
        this.image = image;
        Needs = needs;
        Definitions = definitions;
        RelocatedVersionIndices = relocatedVersionIndices;
        RelocationCount = relocationCount;
    }

    public IReadOnlyList<ElfVersionNeed> Needs { get; }

    public IReadOnlyList<string> Definitions { get; }

    /// <summary>The <c>.gnu.version</c> indices of every dynamic symbol that some relocation refers to.</summary>
    public ISet<ushort> RelocatedVersionIndices { get; }

    public int RelocationCount { get; }

    public static ElfSymbolVersions Read(byte[] image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        if (U16(image, 0x10) != 3)
        {
            throw new InvalidDataException("not a shared library (ELF type is not ET_DYN)");
        }

        var sectionTable = Offset(image, U64(image, 0x28), 0);
        var entrySize = U16(image, 0x3a);
        var count = U16(image, 0x3c);
        if (sectionTable == 0 || count == 0 || entrySize < 64)
        {
            throw new InvalidDataException("no section headers");
        }

        var sections = new List<Section>();
        for (var i = 0; i < count; i++)
        {
            var at = Offset(image, (ulong)sectionTable + (ulong)(i * entrySize), 64);
            var section = new Section(U32(image, at + 4), U64(image, at + 24), U64(image, at + 32), U32(image, at + 40), U32(image, at + 44), U64(image, at + 56));
            if (section.Type != 8) // SHT_NOBITS occupies no bytes of the file
            {
                Offset(image, section.Offset, section.Size);
            }

            sections.Add(section);
        }

        var needs = new List<ElfVersionNeed>();
        var definitions = new List<string>();
        foreach (var section in sections)
        {
            if (section.Type == ShtGnuVerneed)
            {
                ReadNeeds(image, section, StringTable(sections, section), needs);
            }
            else if (section.Type == ShtGnuVerdef)
            {
                ReadDefinitions(image, section, StringTable(sections, section), definitions);
            }
        }

        var relocated = new HashSet<ushort>();
        var relocations = 0;
        var dynsymIndex = sections.FindIndex(s => s.Type == ShtDynsym);
        var versym = sections.Find(s => s.Type == ShtGnuVersym);
        if (needs.Count > 0 && (dynsymIndex < 0 || versym == null))
        {
            throw new InvalidDataException("version requirements without .dynsym and .gnu.version");
        }

        if (dynsymIndex >= 0 && versym != null)
        {
            if (sections[dynsymIndex].EntrySize != 24)
            {
                throw new InvalidDataException($".dynsym entries are {sections[dynsymIndex].EntrySize} bytes, not 24");
            }

            var symbols = sections[dynsymIndex].Size / 24;
            if (versym.Size != symbols * 2)
            {
                throw new InvalidDataException($".gnu.version has {versym.Size / 2} entries for {symbols} dynamic symbols");
            }

            foreach (var section in sections.Where(s => s.Type == ShtRela || s.Type == ShtRel))
            {
                if (section.Link != dynsymIndex)
                {
                    throw new InvalidDataException($"a relocation section refers to symbol table {section.Link}, not .dynsym ({dynsymIndex})");
                }

                var size = section.Type == ShtRela ? 24UL : 16UL;
                for (var at = section.Offset; at + size <= section.Offset + section.Size; at += size)
                {
                    relocations++;
                    var symbol = U64(image, (int)at + 8) >> 32;
                    if (symbol != 0)
                    {
                        if (symbol >= symbols)
                        {
                            throw new InvalidDataException($"a relocation refers to dynamic symbol {symbol} of {symbols}");
                        }

                        relocated.Add((ushort)(U16(image, (int)(versym.Offset + symbol * 2)) & 0x7fff));
                    }
                }
            }
        }

        return new ElfSymbolVersions(image, needs, definitions, relocated, relocations);
    }

    /// <summary>A copy of the image in which the given needed versions are weak; nothing else changes.</summary>
    public byte[] WithWeak(IEnumerable<ElfVersionNeed> needs)
    {
        var copy = (byte[])image.Clone();
        foreach (var need in needs)
        {
            var flags = (ushort)(need.Flags | VerFlgWeak);
            copy[need.FlagsOffset] = (byte)flags;
            copy[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }

        return copy;
    }

    private static void ReadNeeds(byte[] image, Section section, Section strings, List<ElfVersionNeed> needs)
    {
        var at = (ulong)section.Offset;
        for (var i = 0u; i < section.Info; i++)
        {
            var need = Offset(image, at, 16);
            var file = Name(image, strings, U32(image, need + 4));
            var aux = (ulong)need + U32(image, need + 8);
            for (var j = 0; j < U16(image, need + 2); j++)
            {
                var entry = Offset(image, aux, 16);
                needs.Add(new ElfVersionNeed(file, Name(image, strings, U32(image, entry + 8)), U16(image, entry + 4), (ushort)(U16(image, entry + 6) & 0x7fff), entry + 4));
                aux += U32(image, entry + 12);
            }

            at += U32(image, need + 12);
        }
    }

    private static void ReadDefinitions(byte[] image, Section section, Section strings, List<string> definitions)
    {
        var at = (ulong)section.Offset;
        for (var i = 0u; i < section.Info; i++)
        {
            var definition = Offset(image, at, 20);
            if (U16(image, definition + 6) > 0) // the first auxiliary entry names the version itself
            {
                var aux = Offset(image, (ulong)definition + U32(image, definition + 12), 8);
                definitions.Add(Name(image, strings, U32(image, aux)));
            }

            at += U32(image, definition + 16);
        }
    }

    private static Section StringTable(List<Section> sections, Section section) =>
        section.Link < sections.Count ? sections[(int)section.Link] : throw new InvalidDataException("a version section links to no string table");

    private static string Name(byte[] image, Section strings, uint offset)
    {
        var start = offset < strings.Size ? Offset(image, strings.Offset + offset, 1) : -1;
        var end = start < 0 ? -1 : Array.IndexOf(image, (byte)0, start);
        if (end < 0 || (ulong)end >= strings.Offset + strings.Size)
        {
            throw new InvalidDataException("a version name runs past its string table");
        }

        return Encoding.ASCII.GetString(image, start, end - start);
    }

    /// <summary>Checks that <paramref name="length"/> bytes at <paramref name="offset"/> lie inside the file.</summary>
    private static int Offset(byte[] image, ulong offset, ulong length) =>
        offset <= (ulong)image.Length && length <= (ulong)image.Length - offset
            ? (int)offset
            : throw new InvalidDataException($"offset {offset} (+{length}) lies outside the file ({image.Length} bytes)");

    private static ushort U16(byte[] image, int at)
    {
        Offset(image, (ulong)at, 2);
        return (ushort)(image[at] | image[at + 1] << 8);
    }

    private static uint U32(byte[] image, int at) => U16(image, at) | (uint)U16(image, at + 2) << 16;

    private static ulong U64(byte[] image, int at) => U32(image, at) | (ulong)U32(image, at + 4) << 32;

    private sealed class Section
    {
        public Section(uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
        {
            Type = type;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
            EntrySize = entrySize;
        }

        public uint Type { get; }

        public ulong Offset { get; }

        public ulong Size { get; }

        public uint Link { get; }

        public uint Info { get; }

        public ulong EntrySize { get; }
    }
}

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

#if !STRATA_ELF_TESTS
/// <summary>
/// Where the system's libstdc++ lacks versions that libLibTorchSharp.so asks for but never calls into (Debian 12:
/// GLIBCXX_3.4.32), replaces the output folder's copy of the library with one whose requirements for them are weak,
/// and writes torchsharp-compat.json beside it (which <c>strata doctor</c> reports). Elsewhere it leaves the copy as the
/// package has it and removes a stale marker.
/// </summary>
public sealed class WeakenMissingLibStdCxxVersions : Microsoft.Build.Utilities.Task
{
    public const string MarkerName = "torchsharp-compat.json";

    /// <summary>libLibTorchSharp.so as the NuGet package has it.</summary>
    [Microsoft.Build.Framework.Required]
    public string PackageLibrary { get; set; } = "";

    /// <summary>Its copy in the output folder, replaced by the patched library when one is needed.</summary>
    [Microsoft.Build.Framework.Required]
    public string OutputLibrary { get; set; } = "";

    /// <summary>The marker written, or removed (for the build's FileWrites).</summary>
    [Microsoft.Build.Framework.Output]
    public string Marker { get; set; } = "";

    public override bool Execute()
    {
        Marker = Path.Combine(Path.GetDirectoryName(OutputLibrary) ?? ".", MarkerName);
        if (!File.Exists(PackageLibrary) || !File.Exists(OutputLibrary))
        {
            return true;
        }

        var systemPath = LibStdCxxCompat.FindSystemLibStdCxx();
        if (systemPath == null)
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "TorchSharp compatibility step: no libstdc++.so.6 found on this system; libLibTorchSharp.so is left as packaged.");
            File.Delete(Marker);
            return true;
        }

        ElfSymbolVersions library;
        ElfSymbolVersions system;
        var package = File.ReadAllBytes(PackageLibrary);
        try
        {
            library = ElfSymbolVersions.Read(package);
            system = ElfSymbolVersions.Read(File.ReadAllBytes(systemPath));
        }
        catch (InvalidDataException e)
        {
            Log.LogError($"TorchSharp compatibility step: {PackageLibrary} or {systemPath} does not look as expected ({e.Message}); the step reads an ELF64 little-endian shared library with section headers and symbol-version tables.");
            return false;
        }

        var missing = LibStdCxxCompat.Missing(library, system);
        if (missing.Count == 0)
        {
            File.Delete(Marker);
            return true;
        }

        var names = string.Join(", ", missing.Select(n => n.Version));
        var called = LibStdCxxCompat.Called(library, missing);
        if (called.Count > 0)
        {
            // Weak marking would only move the failure from loading to the first call; TorchRuntime reports the loader's reason.
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                $"TorchSharp compatibility step: libLibTorchSharp.so calls into {string.Join(", ", called.Select(n => n.Version))} of libstdc++, which {systemPath} lacks; TorchSharp will not load here until libstdc++ is upgraded.");
            File.Delete(Marker);
            return true;
        }

        var patched = library.WithWeak(missing);
        if (!File.ReadAllBytes(OutputLibrary).SequenceEqual(patched))
        {
            LibStdCxxCompat.WriteAtomically(OutputLibrary, patched);
        }

        var marker = "{\"patched\":true," +
            $"\"weakVersions\":[{string.Join(",", missing.Select(n => "\"" + n.Version + "\""))}]," +
            $"\"reason\":\"{Escape($"the system libstdc++ ({systemPath}) lacks {names}")}\"," +
            $"\"packageSha256\":\"{LibStdCxxCompat.Sha256(package)}\"}}\n";
        if (!File.Exists(Marker) || File.ReadAllText(Marker) != marker)
        {
            LibStdCxxCompat.WriteAtomically(Marker, Encoding.UTF8.GetBytes(marker));
        }

        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"TorchSharp compatibility step: marked {names} weak in {OutputLibrary}.");
        return true;
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
#endif
