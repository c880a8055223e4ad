using Strata.Core.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.ML.OnnxRuntime;
using Strata.Models.Llama;

namespace Strata.Models.Diagnostics;

/// <summary>
/// Loads each native runtime the model layer uses and reports what happened. A failed load is reported, not thrown:
/// <c>strata doctor</c> exists to explain why a runtime is unusable.
/// </summary>
public static partial class RuntimeProbes
{
    /// <summary>Probes llama.cpp (through LLamaSharp), ONNX Runtime and the CUDA driver.</summary>
    public static IReadOnlyList<RuntimeStatus> ProbeAll() => [ProbeLlamaCpp(), ProbeOnnxRuntime(), ProbeCuda()];

    /// <summary>Loads llama.cpp and reports the build LLamaSharp selected (CPU instruction level, GPU support).</summary>
    public static RuntimeStatus ProbeLlamaCpp()
    {
        var version = VersionOf(typeof(NativeApi).Assembly);
        try
        {
            LlamaNativeLog.EnsureInstalled();
            var systemInfo = Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? "";
            var library = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama);
            var metadata = library?.Metadata;
            var backend = metadata is null
                ? "backend unknown"
                : $"{(metadata.UseCuda ? "CUDA" : metadata.UseVulkan ? "Vulkan" : "CPU")} backend, {metadata.AvxLevel} build";
            var gpu = NativeApi.llama_supports_gpu_offload() ? "GPU offload supported" : "no GPU offload";
            return new RuntimeStatus("llama.cpp", true, $"LLamaSharp {version ?? "(version unknown)"}", $"{backend}; {gpu}; {Summarize(systemInfo)}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or RuntimeError or BadImageFormatException)
        {
            return new RuntimeStatus("llama.cpp", false, $"LLamaSharp {version ?? "(version unknown)"}", $"native library failed to load: {Innermost(e).Message}");
        }
    }

    /// <summary>Loads ONNX Runtime and reports its version and execution providers.</summary>
    public static RuntimeStatus ProbeOnnxRuntime()
    {
        try
        {
            var environment = OrtEnv.Instance();
            var providers = string.Join(", ", environment.GetAvailableProviders());
            return new RuntimeStatus("ONNX Runtime", true, environment.GetVersionString(), $"providers: {providers}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or OnnxRuntimeException)
        {
            return new RuntimeStatus("ONNX Runtime", false, null, $"native library failed to load: {Innermost(e).Message}");
        }
    }

    /// <summary>Reports whether an NVIDIA driver is present; the CPU runtimes work without one.</summary>
    public static RuntimeStatus ProbeCuda()
    {
        var name = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!NativeLibrary.TryLoad(name, out var handle))
        {
            return new RuntimeStatus("CUDA", false, null, $"no NVIDIA driver ({name} not found); models run on the CPU");
        }

        NativeLibrary.Free(handle);
        return new RuntimeStatus("CUDA", true, null, $"NVIDIA driver found ({name}); the CPU builds of llama.cpp and ONNX Runtime in this package set do not use it");
    }

    /// <summary>Keeps only the flags that are on, from llama.cpp's "CPU : SSE3 = 1 | AVX = 1 | …" line.</summary>
    private static string Summarize(string systemInfo)
    {
        var enabled = EnabledFlag().Matches(systemInfo).Select(match => match.Groups[1].Value).Distinct();
        var list = string.Join(' ', enabled);
        return list.Length == 0 ? systemInfo.Trim() : $"llama.cpp features: {list}";
    }

    [GeneratedRegex(@"([A-Za-z0-9_]+) = 1\b")]
    private static partial Regex EnabledFlag();

    /// <summary>
    /// The NuGet package version an assembly came from. LLamaSharp's assembly carries no version of its own, so the
    /// application's dependency manifest (<c>*.deps.json</c>), which records every package, is the reliable source.
    /// </summary>
    private static string? VersionOf(Assembly assembly)
    {
        var package = assembly.GetName().Name + "/";
        var entry = Assembly.GetEntryAssembly()?.GetName().Name;
        var depsFiles = ((AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(Path.PathSeparator) ?? [])
            .Append(entry is null ? "" : Path.Combine(AppContext.BaseDirectory, entry + ".deps.json"));
        foreach (var depsFile in depsFiles.Where(File.Exists))
        {
            using var deps = JsonDocument.Parse(File.ReadAllBytes(depsFile));
            if (deps.RootElement.TryGetProperty("libraries", out var libraries))
            {
                var match = libraries.EnumerateObject().FirstOrDefault(library => library.Name.StartsWith(package, StringComparison.OrdinalIgnoreCase));
                if (match.Value.ValueKind != JsonValueKind.Undefined)
                {
                    return match.Name[package.Length..];
                }
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
