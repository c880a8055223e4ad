using System.Globalization;
using Strata.Models.HuggingFace;
using Strata.Models;

namespace Strata.Cli.Output;

/// <summary>
/// Shows download progress: one redrawn bar line on a terminal, plain lines (at most every few seconds) otherwise,
/// so logs stay readable. Progress goes to standard error, keeping standard output for results.
/// </summary>
internal sealed class PullProgressRenderer(bool terminal) : IProgress<PullProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly Lock gate = new();
    private DateTime lastPlain = DateTime.MinValue;
    private string? currentFile;

    public void Report(PullProgress value)
    {
        lock (gate)
        {
            var fraction = value.TotalBytes > 0 ? Math.Min(1.0, (double)value.BytesDone / value.TotalBytes) : 1.0;
            var eta = value.Remaining is { } remaining ? remaining.ToString(remaining.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "--:--";
            var facts = string.Create(CultureInfo.InvariantCulture,
                $"[{value.FileNumber}/{value.FileCount}] {value.File} {fraction:P0} {ByteSize.Format(value.BytesDone)}/{ByteSize.Format(value.TotalBytes)} {ByteSize.Format((long)value.BytesPerSecond)}/s ETA {eta}");
            if (terminal)
            {
                if (currentFile is not null && currentFile != value.File)
                {
                    Console.Error.WriteLine();
                }

                const int width = 24;
                var filled = (int)Math.Round(fraction * width);
                Console.Error.Write($"\r{new string('#', filled)}{new string('-', width - filled)} {facts}\u001b[K");
            }
            else if (value.IsComplete || currentFile != value.File || DateTime.UtcNow - lastPlain >= PlainInterval)
            {
                Console.Error.WriteLine(facts);
                lastPlain = DateTime.UtcNow;
            }

            currentFile = value.File;
        }
    }

    public void Finish()
    {
        if (terminal && currentFile is not null)
        {
            Console.Error.WriteLine();
        }
    }
}
