using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// Whether llama.cpp reads a model's weights into memory of its own or maps the file, as llama.cpp does by default.
/// </summary>
/// <remarks>
/// Decoding a token reads every weight once, and on 4 KiB pages that stream costs a page walk every 4 KiB. Pages of a
/// mapped file stay 4 KiB; memory that malloc returns gets 2 MiB transparent huge pages when the kernel gives them to
/// every allocation ("always") or to allocations that ask ("madvise", which glibc's malloc does when its
/// <c>glibc.malloc.hugetlb=1</c> tunable is set, as runners are started). On the 2-core machine here a 0.5 B Q8_0 model
/// decoded faster on huge pages in each of 13 alternating pairs of runs, by 0.2–19 % (median 4 %). Reading needs
/// memory that a mapping would leave to the page cache, so a file over a quarter of the memory this process may use
/// stays mapped, and so does every file where no huge pages would come of it.
/// </remarks>
internal static class LlamaWeightPlacement
{
    /// <summary>The glibc tunable that makes malloc ask for transparent huge pages (glibc 2.35 and later).</summary>
    public const string HugePageTunable = "glibc.malloc.hugetlb=1";

    private const string TransparentHugePagesSetting = "/sys/kernel/mm/transparent_hugepage/enabled";

    private static readonly Lazy<bool> MallocGetsHugePages = new(ReadMallocGetsHugePages);

    /// <summary>How llama.cpp should load the weights in <paramref name="path"/>.</summary>
    public static LLamaLoadMode For(string path)
    {
        // A missing file is left to llama.cpp's load, whose failure the callers turn into their own clear message.
        var file = new FileInfo(path);
        if (!MallocGetsHugePages.Value || !file.Exists)
        {
            return LLamaLoadMode.MemoryMap;
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return file.Length <= memory / 4 ? LLamaLoadMode.None : LLamaLoadMode.MemoryMap;
    }

    /// <summary><paramref name="tunables"/> (a <c>GLIBC_TUNABLES</c> value, or null) with malloc's huge pages turned on.</summary>
    public static string WithHugePages(string? tunables) =>
        string.IsNullOrEmpty(tunables) ? HugePageTunable
        : AsksForHugePages(tunables) ? tunables
        : tunables + ":" + HugePageTunable;

    // GLIBC_TUNABLES is a colon-separated list of name=value settings.
    private static bool AsksForHugePages(string? tunables) => tunables?.Split(':').Contains(HugePageTunable, StringComparer.Ordinal) ?? false;

    private static bool ReadMallocGetsHugePages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        string setting;
        try
        {
            setting = File.ReadAllText(TransparentHugePagesSetting);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // The file lists every mode and brackets the one in force: "always [madvise] never". The tunable is glibc's;
        // musl's malloc (Alpine) never asks.
        var musl = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        return setting.Contains("[always]", StringComparison.Ordinal) ||
            (setting.Contains("[madvise]", StringComparison.Ordinal) && !musl &&
                AsksForHugePages(Environment.GetEnvironmentVariable("GLIBC_TUNABLES")));
    }
}
