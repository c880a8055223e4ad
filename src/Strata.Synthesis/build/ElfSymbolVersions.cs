// The ELF reading behind the TorchSharp compatibility step (see Strata.Synthesis.TorchSharp.targets). Compiled into
// the step's task assembly against the reference assemblies MSBuild gives inline tasks (.NET Standard 2.0), so it uses
// only that API surface (no spans, no records); the Synthesis tests compile it too.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
