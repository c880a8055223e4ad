using Strata.Monitoring.Runs;

namespace Strata.Synthesis.Training;

/// <summary>
/// Logs training to the experiment tracker (metrics and artifacts of a run, for <c>strata runs</c> and the Runs page)
/// and to the run folder's JSONL files (which exact resume trims to the resumed step).
/// </summary>
public sealed class TrackedTrainingLog(ITrainingLog files, IRun run) : ITrainingLog
{
    /// <summary>The file in a training run's folder holding the tracked run's id.</summary>
    public const string RunIdFile = "tracked-run.txt";

    /// <summary>The tracked run.</summary>
    public IRun Run { get; } = run ?? throw new ArgumentNullException(nameof(run));

    /// <inheritdoc />
    public void LogMetrics(long step, IReadOnlyDictionary<string, double> metrics)
    {
        files.LogMetrics(step, metrics);
        Run.Log(metrics, step);
    }

    /// <inheritdoc />
    public void LogArtifact(long step, string kind, string path)
    {
        files.LogArtifact(step, kind, path);
        Run.LogArtifact(path, $"step-{step:D6}-{Path.GetFileName(path)}", kind);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        files.Dispose();
        Run.Flush();
    }

    /// <summary>
    /// Starts the tracked run for training run <paramref name="runFolder"/>, or, given <paramref name="resumeStep"/>,
    /// resumes the one recorded there, so a resumed training continues the same tracked run. Points logged after
    /// <paramref name="resumeStep"/> (by a process killed after its last checkpoint) are dropped, since the training
    /// logs those steps again.
    /// </summary>
    public static IRun StartOrResume(IRunTracker tracker, string runFolder, string runName, object config, long? resumeStep)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var idFile = Path.Combine(runFolder, RunIdFile);
        if (resumeStep is not null && File.Exists(idFile))
        {
            return tracker.Resume(File.ReadAllText(idFile).Trim(), rewindToStep: resumeStep);
        }

        var run = tracker.Start(new RunStartOptions { Project = "synthesis", Name = runName, Config = config, Tags = ["train"] });
        Directory.CreateDirectory(runFolder);
        Strata.Models.Store.AtomicFile.WriteAllBytes(idFile, System.Text.Encoding.UTF8.GetBytes(run.Id));
        return run;
    }
}
