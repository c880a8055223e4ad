using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Strata.Synthesis.Build;
using Strata.Synthesis.Runtime;
using TorchSharp;

namespace Strata.Synthesis.Tests.Runtime;

/// <summary>
/// The TorchSharp compatibility step (src/Strata.Synthesis/build/, whose ELF reading and decision are compiled into this project)
/// on a copy of the real package library. The edit is checked with <see cref="SymbolVersionOf"/>, a reader written
/// here apart from the one under test, and by comparing bytes.
/// </summary>
public sealed class TorchSharpCompatTests
{
    private const string IosBaseLibraryInit = "_ZSt21ios_base_library_initv";

    [Fact]
    public void The_package_library_needs_GLIBCXX_3_4_32_only_for_a_symbol_that_no_relocation_uses()
    {
        var library = ElfSymbolVersions.Read(File.ReadAllBytes(PackageLibrary()));

        var need = Assert.Single(library.Needs, n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.True(library.RelocationCount > 1000, $"{library.RelocationCount} relocations read");
        Assert.DoesNotContain(need.Index, library.RelocatedVersionIndices);
        Assert.Empty(LibStdCxxCompat.Called(library, [need]));
        Assert.Equal(("GLIBCXX_3.4.32", need.Index, false), SymbolVersionOf(File.ReadAllBytes(PackageLibrary()), IosBaseLibraryInit));
    }

    [Fact]
    public void Marking_the_requirement_weak_changes_one_flag_and_leaves_the_symbol_version_alone()
    {
        using var folder = new TemporaryFolder();
        var copy = folder.Combine("libLibTorchSharp.so");
        File.Copy(PackageLibrary(), copy);
        var original = File.ReadAllBytes(copy);
        var library = ElfSymbolVersions.Read(original);
        var need = library.Needs.Single(n => n.Version == "GLIBCXX_3.4.32");

        LibStdCxxCompat.WriteAtomically(copy, library.WithWeak([need]));

        var patched = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([need.FlagsOffset], changed);
        Assert.Equal(ElfSymbolVersions.VerFlgWeak, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(need.FlagsOffset)));
        Assert.Equal(("GLIBCXX_3.4.32", need.Index, true), SymbolVersionOf(patched, IosBaseLibraryInit));
        var reread = ElfSymbolVersions.Read(patched);
        Assert.Equal(library.Needs.Select(n => n.Version == need.Version || n.IsWeak), reread.Needs.Select(n => n.IsWeak));
        Assert.Equal(["libLibTorchSharp.so"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_version_that_a_relocation_needs_is_reported_as_called()
    {
        var image = File.ReadAllBytes(PackageLibrary());
        var need = ElfSymbolVersions.Read(image).Needs.Single(n => n.Version == "GLIBCXX_3.4.32");
        // Point a symbol that the library does call (std::ios_base::~ios_base, through the PLT) at that version.
        var (versionEntry, _) = Symbol(image, "_ZNSt8ios_baseD2Ev");
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(versionEntry), need.Index);

        var library = ElfSymbolVersions.Read(image);

        Assert.Equal(["GLIBCXX_3.4.32"], LibStdCxxCompat.Called(library, [need]).Select(n => n.Version));
    }

    [Fact]
    public void A_damaged_file_is_refused_with_the_reason()
    {
        var image = File.ReadAllBytes(PackageLibrary());
        var need = ElfSymbolVersions.Read(image).Needs.Single(n => n.Version == "GLIBCXX_3.4.32");
        var badName = (byte[])image.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(badName.AsSpan(need.FlagsOffset + 4), 0x7fffffff); // its vna_name

        Assert.Contains("not an ELF file", Refusal(Encoding.ASCII.GetBytes("#!/bin/sh\n")));
        Assert.Contains("outside the file", Refusal(image[..4096]));
        Assert.Contains("runs past its string table", Refusal(badName));

        static string Refusal(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.Read(bytes)).Message;
    }

    [Fact]
    public void The_loaded_library_is_patched_exactly_where_the_system_libstdcxx_lacks_the_version()
    {
        var status = TorchRuntime.Probe();
        Assert.True(status.Available, status.Detail);
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(TorchRuntime.CompatibilityPatchLoaded());
            return;
        }

        var system = LibStdCxxCompat.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var lacks = !ElfSymbolVersions.Read(File.ReadAllBytes(system)).Definitions.Contains("GLIBCXX_3.4.32");
        Assert.Equal(lacks, TorchRuntime.CompatibilityPatchLoaded());
        Assert.Contains(lacks ? "GLIBCXX_3.4.32 marked weak" : "no compatibility patch needed", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Libtorch_warnings_still_reach_stderr_through_std_cerr()
    {
        // The symbol the edit leaves unresolved is GCC 13's way of initialising the standard streams; older libstdc++
        // relies on std::ios_base::Init objects, which libc10.so and libtorch_cpu.so construct. c10 prints warnings
        // with std::cerr, so a warning that arrives shows the streams work.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        TorchRuntime.EnsureAvailable();
        using var folder = new TemporaryFolder();
        var captured = folder.Combine("stderr.txt");
        var saved = Dup(2);
        using (var file = new FileStream(captured, FileMode.CreateNew, FileAccess.Write))
        {
            Assert.True(Dup2((int)file.SafeFileHandle.DangerousGetHandle(), 2) == 2);
            try
            {
                using var deviation = torch.ones(1).std(); // one value: degrees of freedom <= 0, a TORCH_WARN
            }
            finally
            {
                Dup2(saved, 2);
                Close(saved);
            }
        }

        Assert.Contains("degrees of freedom is <= 0", File.ReadAllText(captured), StringComparison.Ordinal);
    }

    private static string PackageLibrary()
    {
        // The NuGet global packages folder, as NuGet finds it; the version is the TorchSharp assembly this project uses.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(torch).Assembly.GetName().Version!.ToString(3);
        var path = Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"{path} not found: restore the solution first");
        return path;
    }

    /// <summary>The version a dynamic symbol is bound to: its .gnu.version entry, and the .gnu.version_r entry that index names.</summary>
    private static (string Version, ushort Index, bool Weak) SymbolVersionOf(byte[] image, string name)
    {
        var (versionEntry, _) = Symbol(image, name);
        var index = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(versionEntry)) & 0x7fff);
        var sections = Sections(image);
        var verneed = sections.Single(s => s.Type == 0x6ffffffe);
        var strings = sections[(int)verneed.Link];
        var need = (int)verneed.Offset;
        for (var i = 0; i < verneed.Info; i++)
        {
            var aux = need + (int)U32(image, need + 8);
            for (var j = 0; j < U16(image, need + 2); j++)
            {
                if ((U16(image, aux + 6) & 0x7fff) == index)
                {
                    return (CString(image, (int)strings.Offset + (int)U32(image, aux + 8)), index, (U16(image, aux + 4) & 2) != 0);
                }

                aux += (int)U32(image, aux + 12);
            }

            need += (int)U32(image, need + 12);
        }

        throw new InvalidOperationException($"{name} has version index {index}, which .gnu.version_r does not define");
    }

    /// <summary>Where a dynamic symbol's .gnu.version entry lies, and the symbol's index.</summary>
    private static (int VersionEntry, int Index) Symbol(byte[] image, string name)
    {
        var sections = Sections(image);
        var dynsym = sections.Single(s => s.Type == 11);
        var strings = sections[(int)dynsym.Link];
        var versym = sections.Single(s => s.Type == 0x6fffffff);
        for (var i = 0; i < (int)(dynsym.Size / 24); i++)
        {
            var nameOffset = (int)U32(image, (int)dynsym.Offset + i * 24);
            if (CString(image, (int)strings.Offset + nameOffset) == name)
            {
                return ((int)versym.Offset + i * 2, i);
            }
        }

        throw new InvalidOperationException($"{name} is not a dynamic symbol");
    }

    private static List<(uint Type, ulong Offset, ulong Size, uint Link, uint Info)> Sections(byte[] image)
    {
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x28));
        return Enumerable.Range(0, U16(image, 0x3c))
            .Select(i => table + i * U16(image, 0x3a))
            .Select(at => (U32(image, at + 4), BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(at + 24)),
                BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(at + 32)), U32(image, at + 40), U32(image, at + 44)))
            .ToList();
    }

    private static ushort U16(byte[] image, int at) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at));

    private static uint U32(byte[] image, int at) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(at));

    private static string CString(byte[] image, int at) => Encoding.ASCII.GetString(image, at, Array.IndexOf(image, (byte)0, at) - at);

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static extern int Dup2(int fd, int target);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
