using System.Text;

namespace Strata.Models.Runners;

/// <summary>
/// A runner's stdout and stderr: appended to <c>logs/runners/MODEL.log</c> under the Strata home (never to the user's
/// terminal or the server's console), with the last lines kept in memory so an error message can quote the runtime's
/// own last words, such as llama.cpp's <c>GGML_ASSERT</c> line.
/// </summary>
internal sealed class RunnerOutputLog : IDisposable
{
    private const int KeptLines = 40;

    // Words that mark a runtime's own failure line; the last such line explains a crash better than whatever came after.
    // "failed" lines come second: llama.cpp follows its reason ("error loading model: unknown model architecture") with
    // a bare "failed to load model". Capitalised "Error" is LLamaSharp's level prefix, on every line llama.cpp logs as an error.
    private static readonly string[] FailureMarks = ["GGML_ASSERT", "assert", "error", "abort", "terminate", "exception", "fault"];
    private static readonly string[] WeakFailureMarks = ["failed", "Failed"];

    private readonly object gate = new();
    private readonly Queue<string> last = new();
    private StreamWriter? writer;

    public RunnerOutputLog(string? path)
    {
        Path = path;
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>The log file, or null when output is only kept in memory.</summary>
    public string? Path { get; }

    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            last.Enqueue(line);
            if (last.Count > KeptLines)
            {
                last.Dequeue();
            }

            writer?.WriteLine(line);
        }
    }

    /// <summary>The last line that reads like a failure's reason, else the last failure line, else the last non-empty line; null when the runner said nothing.</summary>
    public string? LastNativeMessage()
    {
        lock (gate)
        {
            var lines = last.Where(line => !string.IsNullOrWhiteSpace(line)).Select(line => line.Trim()).ToList();
            return lines.LastOrDefault(line => FailureMarks.Any(mark => line.Contains(mark, StringComparison.Ordinal)))
                ?? lines.LastOrDefault(line => WeakFailureMarks.Any(mark => line.Contains(mark, StringComparison.Ordinal)))
                ?? lines.LastOrDefault();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            writer?.Dispose();
            writer = null;
        }
    }
}
