using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.Synthesis.Training;

/// <summary>
/// Where a training run records its metrics and artifacts. The Monitoring layer's run tracker will implement this
/// later; until then <see cref="JsonlTrainingLog"/> keeps everything in the run's folder.
/// </summary>
public interface ITrainingLog : IDisposable
{
    /// <summary>Records the metrics of one step.</summary>
    void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>Records a file produced by the run (a sample grid, a checkpoint).</summary>
    void LogArtifact(long step, string kind, string path);
}

/// <summary>
/// Appends one JSON object per line to <c>metrics.jsonl</c> (and artifacts to <c>artifacts.jsonl</c>) in the run folder,
/// flushed per line so a killed run keeps what it logged. On resume the lines after the resumed step are dropped,
/// so the file reads as one uninterrupted run.
/// </summary>
public sealed class JsonlTrainingLog : ITrainingLog
{
    // JSON Lines readers (jq, pandas) take a byte-order mark for part of the first record.
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private readonly StreamWriter metrics;
    private readonly StreamWriter artifacts;

    /// <summary>Opens (or continues, keeping steps up to <paramref name="resumeStep"/>) the logs in <paramref name="runFolder"/>.</summary>
    public JsonlTrainingLog(string runFolder, long resumeStep = 0)
    {
        Directory.CreateDirectory(runFolder);
        MetricsPath = Path.Combine(runFolder, "metrics.jsonl");
        ArtifactsPath = Path.Combine(runFolder, "artifacts.jsonl");
        Truncate(MetricsPath, resumeStep);
        Truncate(ArtifactsPath, resumeStep);
        metrics = new StreamWriter(MetricsPath, append: true, NoBom) { AutoFlush = true };
        artifacts = new StreamWriter(ArtifactsPath, append: true, NoBom) { AutoFlush = true };
    }

    /// <summary>The metrics file.</summary>
    public string MetricsPath { get; }

    /// <summary>The artifacts file.</summary>
    public string ArtifactsPath { get; }

    /// <inheritdoc/>
    public void LogMetrics(long step, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var line = new Dictionary<string, object> { ["step"] = step, ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (key, value) in values)
        {
            line[key] = double.IsFinite(value) ? Math.Round(value, 6) : value.ToString(CultureInfo.InvariantCulture);
        }

        metrics.WriteLine(JsonSerializer.Serialize(line));
    }

    /// <inheritdoc/>
    public void LogArtifact(long step, string kind, string path) =>
        artifacts.WriteLine(JsonSerializer.Serialize(new { step, kind, path }));

    /// <summary>Reads the metrics back, one dictionary per logged step.</summary>
    public static IReadOnlyList<Dictionary<string, JsonElement>> Read(string metricsPath) =>
        [.. File.ReadLines(metricsPath).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(l)!)];

    private static void Truncate(string path, long resumeStep)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var kept = File.ReadLines(path).Where(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("step").GetInt64() <= resumeStep;
        }).ToList();
        File.WriteAllLines(path, kept);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        metrics.Dispose();
        artifacts.Dispose();
    }
}
