using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Strata.Models.Runners;

/// <summary>
/// The failing marks of one <see cref="ModelRunnerHealth"/>, kept in a file under the Strata home
/// (<c>logs/runners/failing-PID-ID.json</c>) so that another process on the same home (<c>strata models list</c> beside a
/// running <c>strata serve</c>) shows them too. A mark lasts as long as the process that made it: a file whose process
/// has ended (or whose id now belongs to a newer process) is ignored and removed, which keeps "until the server
/// restarts" true across processes. Each process writes only its own file, so no two writers share one.
/// </summary>
internal sealed class RunnerFailureMarks
{
    private const string Prefix = "failing-";

    private readonly string folder;
    private readonly string file;
    private readonly Lock writing = new();

    public RunnerFailureMarks(string folder)
    {
        this.folder = folder;
        file = Path.Combine(folder, $"{Prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.json");
    }

    /// <summary>Replaces this process's file with <paramref name="marks"/>.</summary>
    public void Write(IReadOnlyCollection<RunnerFailureMark> marks)
    {
        lock (writing)
        {
            Directory.CreateDirectory(folder);
            var content = new RunnerFailureFile
            {
                ProcessId = Environment.ProcessId,
                ProcessStart = StartOf(Process.GetCurrentProcess()),
                Marks = [.. marks],
            };
            // Written aside and moved in, so a reader never sees half a file.
            var temporary = file + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(content));
            File.Move(temporary, file, overwrite: true);
        }
    }

    /// <summary>The marks written by other live processes on this home (never this instance's own).</summary>
    public IEnumerable<RunnerFailureMark> ReadOthers()
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(folder, Prefix + "*.json"))
        {
            if (string.Equals(path, file, StringComparison.Ordinal) || Read(path) is not { } content)
            {
                continue;
            }

            if (!IsAlive(content))
            {
                TryDelete(path);
                continue;
            }

            foreach (var mark in content.Marks)
            {
                yield return mark;
            }
        }
    }

    /// <summary>Removes this process's file (its marks end with it).</summary>
    public void Delete()
    {
        lock (writing)
        {
            TryDelete(file);
        }
    }

    private static RunnerFailureFile? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunnerFailureFile>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Removed by its owner meanwhile, or not ours to read: it marks nothing.
            return null;
        }
    }

    private static bool IsAlive(RunnerFailureFile content)
    {
        try
        {
            using var process = Process.GetProcessById(content.ProcessId);
            // A process id is reused once its process ends; the start time tells the writer from a newcomer. The
            // runtime derives it from the boot time, so two readings of one process may differ by a clock tick.
            return !process.HasExited && Math.Abs(StartOf(process) - content.ProcessStart) < 1000;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static long StartOf(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another reader removed it first, or it is not ours to remove: either way it is ignored.
        }
    }
}

/// <summary>One model marked failing: which import of it, and why.</summary>
internal sealed class RunnerFailureMark
{
    public string Model { get; set; } = "";

    public string Version { get; set; } = "";

    public string Reason { get; set; } = "";
}

/// <summary>The file one process keeps its marks in, with what identifies that process.</summary>
internal sealed class RunnerFailureFile
{
    public int ProcessId { get; set; }

    public long ProcessStart { get; set; }

    public List<RunnerFailureMark> Marks { get; set; } = [];
}
