using System.Diagnostics;

namespace Strata.Models.HuggingFace;

/// <summary>Measures one file's transfer and reports it at most ten times a second, plus once at the end.</summary>
internal sealed class TransferMeter(IProgress<PullProgress>? progress, string file, int fileNumber, int fileCount, long totalBytes)
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan lastReport = TimeSpan.MinValue;
    private long bytesDone;
    private long bytesThisAttempt;

    /// <summary>Starts an attempt at <paramref name="offset"/>: the rate counts only what this attempt transfers.</summary>
    public void Restart(long offset)
    {
        bytesDone = offset;
        bytesThisAttempt = 0;
        clock.Restart();
        Report(force: true);
    }

    public void Add(int count)
    {
        bytesDone += count;
        bytesThisAttempt += count;
        Report(force: false);
    }

    public void Complete()
    {
        bytesDone = totalBytes;
        Report(force: true);
    }

    private void Report(bool force)
    {
        if (progress is null)
        {
            return;
        }

        var now = clock.Elapsed;
        if (!force && now - lastReport < ReportInterval)
        {
            return;
        }

        lastReport = now;
        var rate = now.TotalSeconds > 0 ? bytesThisAttempt / now.TotalSeconds : 0;
        TimeSpan? remaining = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, totalBytes - bytesDone) / rate) : null;
        progress.Report(new PullProgress(file, fileNumber, fileCount, bytesDone, totalBytes, rate, remaining));
    }
}
