namespace Strata.Monitoring.Runs;

/// <summary>
/// A live run. Metrics are buffered and written in batches; a heartbeat keeps the run marked alive until it is
/// finished. Disposing a run that was not finished marks it <see cref="RunStatus.Failed"/>, since a normal end
/// calls <see cref="Finish"/>. Safe to use from several threads.
/// </summary>
public interface IRun : IDisposable
{
    /// <summary>The run's id.</summary>
    string Id { get; }

    /// <summary>Logs one metric value at <paramref name="step"/>.</summary>
    void Log(string name, double value, long step);

    /// <summary>Logs several metrics at the same <paramref name="step"/>.</summary>
    void Log(IReadOnlyDictionary<string, double> values, long step);

    /// <summary>Writes buffered metrics now.</summary>
    void Flush();

    /// <summary>Copies a file into the run's content-addressed artifact store under <paramref name="name"/>.</summary>
    ArtifactRecord LogArtifact(string filePath, string? name = null, string kind = "file");

    /// <summary>Stores <paramref name="content"/> as an artifact named <paramref name="name"/>.</summary>
    ArtifactRecord LogArtifact(Stream content, string name, string kind = "file");

    /// <summary>Flushes metrics and ends the run with <paramref name="status"/> (finished or failed).</summary>
    void Finish(RunStatus status = RunStatus.Finished);
}
