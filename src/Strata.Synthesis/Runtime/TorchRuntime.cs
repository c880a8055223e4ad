using Strata.Core.Diagnostics;
using TorchSharp;

namespace Strata.Synthesis.Runtime;

/// <summary>Loads TorchSharp's native libraries once and says what was loaded.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<RuntimeStatus> Status = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The libtorch version that TorchSharp 0.107.0 is built against.</summary>
    public const string LibTorchVersion = "2.10.0";

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

    /// <summary>Whether the patched libLibTorchSharp.so and its shim (the Debian 12 compatibility step) are loaded in this process.</summary>
    public static bool CompatibilityPatchLoaded()
    {
        const string maps = "/proc/self/maps";
        return File.Exists(maps) && File.ReadLines(maps).Any(line => line.EndsWith("/libiosinit.so", StringComparison.Ordinal));
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
            var patched = CompatibilityPatchLoaded();
            var detail = $"libtorch {LibTorchVersion} (CPU), {torch.get_num_threads()} threads; " +
                (patched ? "Debian compatibility patch applied (libstdc++ lacks GLIBCXX_3.4.32)" : "no compatibility patch needed");
            return new RuntimeStatus("TorchSharp", probe.item<float>() == 4f, version, detail);
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException or InvalidOperationException or EntryPointNotFoundException)
        {
            var reason = (e.InnerException ?? e).Message;
            return new RuntimeStatus("TorchSharp", false, version,
                $"libtorch did not load: {FirstLine(reason)} (on Linux with libstdc++ older than GCC 13, the project that runs TorchSharp must import Strata.Synthesis.TorchSharp.targets, which needs g++ and patchelf)");
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
