using System.Text.Json;
using Strata.Core.Diagnostics;
using TorchSharp;

namespace Strata.Synthesis.Runtime;

/// <summary>Loads TorchSharp's native libraries once and says what was loaded.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<RuntimeStatus> Status = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The libtorch version that TorchSharp 0.107.0 is built against.</summary>
    public const string LibTorchVersion = "2.10.0";

    /// <summary>The file the compatibility step writes beside the libLibTorchSharp.so it patched.</summary>
    public const string CompatibilityMarkerName = "torchsharp-compat.json";

    /// <summary>Loads libtorch (once) and reports TorchSharp's version, libtorch's, and whether the compatibility patch is in use.</summary>
    public static RuntimeStatus Probe() => Status.Value;

    /// <summary>Throws a clear <see cref="InvalidOperationException"/> when TorchSharp cannot run on this machine.</summary>
    public static void EnsureAvailable()
    {
        var status = Probe();
        if (!status.Available)
        {
            throw new InvalidOperationException($"TorchSharp cannot run here: {status.Detail}");
        }
    }

    /// <summary>
    /// Whether the libLibTorchSharp.so loaded in this process is the build's patched copy: the compatibility step
    /// (build/Strata.Synthesis.TorchSharp.targets) leaves torchsharp-compat.json beside the library it patched.
    /// </summary>
    public static bool CompatibilityPatchLoaded() => LoadedCompatibilityMarker() is not null;

    private static string? LoadedCompatibilityMarker()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps))
        {
            return null;
        }

        var library = File.ReadLines(maps)
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : "")
            .FirstOrDefault(path => path.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal));
        var marker = library is null ? null : Path.Combine(Path.GetDirectoryName(library)!, CompatibilityMarkerName);
        return marker is not null && File.Exists(marker) ? marker : null;
    }

    /// <summary>What the marker says was done, for <c>strata doctor</c>.</summary>
    private static string DescribeCompatibilityPatch(string marker)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(marker));
            var versions = json.RootElement.GetProperty("weakVersions").EnumerateArray().Select(v => v.GetString());
            return $"compatibility patch applied: {string.Join(", ", versions)} marked weak ({json.RootElement.GetProperty("reason").GetString()})";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return $"compatibility patch applied ({CompatibilityMarkerName} unreadable: {e.Message})";
        }
    }

    private static RuntimeStatus Load()
    {
        var version = typeof(torch).Assembly.GetName().Version?.ToString(3);
        // When loading fails TorchSharp prints a long trace to standard output; commands that print JSON must print
        // only JSON, and the reason is returned in the status anyway.
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.ones(2, 2).sum();
            var marker = LoadedCompatibilityMarker();
            var detail = $"libtorch {LibTorchVersion} (CPU), {torch.get_num_threads()} threads; " +
                (marker is not null ? DescribeCompatibilityPatch(marker) : "no compatibility patch needed");
            return new RuntimeStatus("TorchSharp", probe.item<float>() == 4f, version, detail);
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or InvalidOperationException or EntryPointNotFoundException)
        {
            var reason = (e.InnerException ?? e).Message;
            return new RuntimeStatus("TorchSharp", false, version,
                $"libtorch did not load: {FirstLine(reason)} (on Linux with a libstdc++ older than GCC 13, the project that runs TorchSharp must import src/Strata.Synthesis/build/Strata.Synthesis.TorchSharp.targets, whose build step, run by the .NET SDK alone, marks the missing GLIBCXX version weak; rebuild it)");
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
