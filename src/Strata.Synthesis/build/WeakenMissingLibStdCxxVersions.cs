// The TorchSharp compatibility step as an MSBuild task. Strata.Synthesis.TorchSharp.targets compiles this file, with
// ElfSymbolVersions.cs and LibStdCxxCompat.cs, using the SDK's own C# compiler, so the step needs nothing but the
// .NET SDK: no C/C++ compiler, patchelf or python.
#nullable enable
using System.IO;
using System.Linq;
using System.Text;

namespace Strata.Synthesis.Build;

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

        var package = File.ReadAllBytes(PackageLibrary);
        ElfSymbolVersions library;
        try
        {
            library = ElfSymbolVersions.Read(package);
        }
        catch (InvalidDataException e)
        {
            Log.LogError($"TorchSharp compatibility step: {PackageLibrary} does not look as expected: {e.Message}. The step reads the symbol-version tables of an ELF64 little-endian shared library with section headers.");
            return false;
        }

        ElfSymbolVersions system;
        try
        {
            system = ElfSymbolVersions.Read(File.ReadAllBytes(systemPath));
        }
        catch (InvalidDataException e)
        {
            // Not ours to judge: without its version table there is nothing to compare, and TorchRuntime reports whether libtorch loads.
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"TorchSharp compatibility step: cannot read the versions {systemPath} defines ({e.Message}); libLibTorchSharp.so is left as packaged.");
            File.Delete(Marker);
            return true;
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
