using System.Text.Json;
using Strata.Monitoring.Runs;
using Strata.Synthesis.Configuration;

namespace Strata.Synthesis.Training;

/// <summary>What <see cref="TrackedTraining"/> is asked to do: a new run from a config, or a resumed one.</summary>
/// <param name="ConfigPath">The configuration file; optional when resuming (the run folder keeps its config).</param>
/// <param name="ResumeRun">The training run to continue from its last checkpoint, or null for a new run.</param>
/// <param name="RunName">The new run's name (default: the config's name); ignored when resuming.</param>
/// <param name="Dataset">The dataset to train on (default: the config's).</param>
/// <param name="MaxSteps">Stop after this many steps (default: the config's).</param>
public sealed record TrainingRequest(string? ConfigPath, string? ResumeRun = null, string? RunName = null, string? Dataset = null, long? MaxSteps = null);

/// <summary>A finished or stopped training, with the tracked run it was logged to.</summary>
/// <param name="Outcome">What the training produced.</param>
/// <param name="RunName">The training run's name (its folder and registered model).</param>
/// <param name="TrackedRunId">The experiment run (<c>strata runs show ID</c>).</param>
public sealed record TrackedTrainingResult(TrainingOutcome Outcome, string RunName, string TrackedRunId);

/// <summary>
/// Starts or resumes a training and tracks it as an experiment run: the run starts (or resumes, rewound to the
/// checkpoint) only once training itself has started, so a refused start leaves none behind; it is marked finished
/// when training completes, failed when it throws, and left running (resumable) when cancelled.
/// </summary>
public sealed class TrackedTraining(TrainingRun training, IRunTracker tracker)
{
    /// <summary>Runs <paramref name="request"/> to its end or until <paramref name="cancellationToken"/> stops it at a checkpoint.</summary>
    /// <exception cref="ArgumentException">Neither a config nor a run to resume was named.</exception>
    public async Task<TrackedTrainingResult> RunAsync(
        TrainingRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request switch
        {
            { ConfigPath: { } path } => SynthesisConfig.Load(path),
            { ResumeRun: { } resume } => SynthesisConfig.Load(Path.Combine(training.FolderOf(resume), "config.json")),
            _ => throw new ArgumentException("Name a config file, or a run to resume.", nameof(request)),
        };
        var name = request.ResumeRun ?? request.RunName ?? settings.Name;
        var folder = training.FolderOf(name);
        IRun? tracked = null;
        TrainingOutcome outcome;
        try
        {
            outcome = await training.RunAsync(settings, request.Dataset ?? settings.Training.Dataset, name, request.MaxSteps, request.ResumeRun is not null,
                log: (files, resumeStep) =>
                {
                    tracked = TrackedTrainingLog.StartOrResume(tracker, folder, name, JsonDocument.Parse(settings.ToJson()).RootElement, resumeStep);
                    return new TrackedTrainingLog(files, tracked);
                },
                progress: progress, cancellationToken: cancellationToken);
        }
        catch
        {
            tracked?.Finish(RunStatus.Failed);
            tracked?.Dispose();
            throw;
        }

        using var finished = tracked!;
        if (outcome.Completed)
        {
            finished.Finish();
        }

        return new TrackedTrainingResult(outcome, name, finished.Id);
    }
}
