namespace Strata.Monitoring.Runs;

/// <summary>Starts and resumes experiment runs. Trainers and evaluations log through this and nothing else.</summary>
public interface IRunTracker
{
    /// <summary>Starts a new run in state <see cref="RunStatus.Running"/>, recording the git commit and system facts.</summary>
    IRun Start(RunStartOptions options);

    /// <summary>
    /// Continues an existing run (after a crash or a stop): it is running again and its metrics continue. A training
    /// that resumes from a checkpoint older than its last logged step passes that checkpoint's step as
    /// <paramref name="rewindToStep"/>: the points logged after it are deleted, since the training logs those steps
    /// again and the run should read as one uninterrupted history (W&amp;B calls this rewinding a run).
    /// </summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    /// <exception cref="InvalidOperationException">The run is still live in some process.</exception>
    IRun Resume(string runId, long? rewindToStep = null);
}
