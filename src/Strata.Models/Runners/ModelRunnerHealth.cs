using System.Collections.Concurrent;

namespace Strata.Models.Runners;

/// <summary>
/// Crash history of the models this process runs. A model whose runner crashes <see cref="CrashLimit"/> times within
/// <see cref="CrashWindow"/> is marked failing, with the last crash as its reason, and is not started again until it is
/// reimported (a new manifest) or the process restarts: a model that crashes on load would otherwise cost every request
/// a runner start and a crash. Given a folder, the marks are also written there, so other processes on the same
/// Strata home list them (<see cref="ListedFailureOf"/>) while this process lives.
/// </summary>
public sealed class ModelRunnerHealth : IDisposable
{
    /// <summary>Crashes within <see cref="CrashWindow"/> that mark a model failing.</summary>
    public const int CrashLimit = 3;

    /// <summary>The window <see cref="CrashLimit"/> crashes are counted in.</summary>
    public static readonly TimeSpan CrashWindow = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, History> histories = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly RunnerFailureMarks? marks;

    /// <summary>Creates an empty history on the system clock, kept in this process only.</summary>
    public ModelRunnerHealth()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an empty history on <paramref name="time"/>, kept in this process only.</summary>
    public ModelRunnerHealth(TimeProvider time) => this.time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>Creates an empty history on the system clock whose failing marks are shared through <paramref name="marksFolder"/>.</summary>
    /// <param name="marksFolder">The Strata home's <c>logs/runners</c> folder: every process on that home reads the others' marks from it.</param>
    public ModelRunnerHealth(string marksFolder)
        : this(TimeProvider.System)
    {
        ArgumentException.ThrowIfNullOrEmpty(marksFolder);
        marks = new RunnerFailureMarks(marksFolder);
    }

    /// <summary>Why the model (as stored at <paramref name="version"/>) is failing, or null when it is not.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">What identifies this import of the model (its manifest's creation time); a reimport starts afresh.</param>
    public string? FailureOf(string model, string version) =>
        histories.TryGetValue(model, out var history) && history.Version == version ? history.Failure : null;

    /// <summary>
    /// Why the model is failing here or in another live process on the same home (a server beside this CLI), or null.
    /// For listing: only this process's own marks refuse requests (<see cref="FailureOf"/>).
    /// </summary>
    public string? ListedFailureOf(string model, string version) =>
        FailureOf(model, version) ?? marks?.ReadOthers().FirstOrDefault(mark => mark.Model == model && mark.Version == version)?.Reason;

    /// <summary>Removes this process's shared marks (they end with it anyway: readers ignore the marks of ended processes).</summary>
    public void Dispose() => marks?.Delete();

    /// <summary>Every model marked failing, with its reason.</summary>
    public IReadOnlyDictionary<string, string> Failing() =>
        histories.Where(pair => pair.Value.Failure is not null).ToDictionary(pair => pair.Key, pair => pair.Value.Failure!, StringComparer.Ordinal);

    /// <summary>Records a crash; returns whether the model is now failing.</summary>
    public bool RecordCrash(string model, string version, string reason)
    {
        var history = histories.AddOrUpdate(model, _ => new History(version), (_, old) => old.Version == version ? old : new History(version));
        lock (history)
        {
            var now = time.GetUtcNow();
            history.Crashes.Enqueue(now);
            while (history.Crashes.Peek() < now - CrashWindow)
            {
                history.Crashes.Dequeue();
            }

            if (history.Crashes.Count >= CrashLimit)
            {
                history.Failure = $"its runner crashed {history.Crashes.Count} times within {CrashWindow.TotalMinutes:0} minutes; last: {reason}";
            }
        }

        if (history.Failure is not null)
        {
            Share();
        }

        return history.Failure is not null;
    }

    private void Share() => marks?.Write([.. histories
        .Where(pair => pair.Value.Failure is not null)
        .Select(pair => new RunnerFailureMark { Model = pair.Key, Version = pair.Value.Version, Reason = pair.Value.Failure! })]);

    private sealed class History(string version)
    {
        public string Version { get; } = version;

        public Queue<DateTimeOffset> Crashes { get; } = new();

        public string? Failure { get; set; }
    }
}
