using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Strata.Core.Diagnostics;

/// <summary>The machine facts that decide which runtimes and model sizes are practical.</summary>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Architecture">The process architecture.</param>
/// <param name="Cpu">The CPU model name, when the OS reports it.</param>
/// <param name="Cores">Logical processors available to the process.</param>
/// <param name="CpuFeatures">SIMD features the runtime detected (AVX2, AVX-512, NEON, …).</param>
/// <param name="MemoryTotalBytes">Physical memory available to the process.</param>
/// <param name="MemoryAvailableBytes">Memory not in use right now, when the OS reports it.</param>
/// <param name="DotnetVersion">The .NET runtime version.</param>
public sealed record SystemReport(
    string OperatingSystem,
    string Architecture,
    string? Cpu,
    int Cores,
    IReadOnlyList<string> CpuFeatures,
    long MemoryTotalBytes,
    long? MemoryAvailableBytes,
    string DotnetVersion)
{
    /// <summary>Reads the current machine.</summary>
    public static SystemReport Read() => new(
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        ReadCpuModel(),
        Environment.ProcessorCount,
        DetectCpuFeatures(),
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        ReadMemAvailable(),
        RuntimeInformation.FrameworkDescription);

    /// <summary>The vector instruction sets .NET reports as usable; llama.cpp and ONNX Runtime pick kernels by the same facts.</summary>
    public static IReadOnlyList<string> DetectCpuFeatures()
    {
        var features = new List<string>();
        void Add(bool supported, string name)
        {
            if (supported)
            {
                features.Add(name);
            }
        }

        Add(Sse42.IsSupported, "SSE4.2");
        Add(Avx.IsSupported, "AVX");
        Add(Avx2.IsSupported, "AVX2");
        Add(Fma.IsSupported, "FMA");
        Add(Avx512F.IsSupported, "AVX-512F");
        Add(Avx512BW.IsSupported, "AVX-512BW");
        Add(Avx512Vbmi.IsSupported, "AVX-512VBMI");
        Add(AvxVnni.IsSupported, "AVX-VNNI");
        Add(AdvSimd.IsSupported, "NEON");
        return features;
    }

    private static string? ReadCpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return null;
        }

        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static long? ReadMemAvailable()
    {
        const string memInfo = "/proc/meminfo";
        if (!File.Exists(memInfo))
        {
            return null;
        }

        var line = File.ReadLines(memInfo).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * 1024 : null;
    }
}
