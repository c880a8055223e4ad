using Microsoft.Extensions.Logging;

namespace Strata.Models;

/// <summary>
/// The model layer's log messages, source-generated so a disabled level costs one check. Names, sizes and timings
/// only: no prompt or completion text is ever logged here.
/// </summary>
internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loading model {Model} ({Format}) from {Path}")]
    public static partial void ModelLoading(this ILogger logger, string model, string format, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Loaded model {Model} in {ElapsedMs:0} ms")]
    public static partial void ModelLoaded(this ILogger logger, string model, double elapsedMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Model {Model} failed to load: {Reason}")]
    public static partial void ModelLoadFailed(this ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Unloaded model {Model} after {IdleSeconds:0} s without requests")]
    public static partial void ModelUnloadedIdle(this ILogger logger, string model, double idleSeconds);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Pulling {Source} as {Model}")]
    public static partial void PullStarted(this ILogger logger, string source, string model);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Pulled {Model}: {Files} files, {Bytes} bytes downloaded in {ElapsedMs:0} ms")]
    public static partial void PullFinished(this ILogger logger, string model, int files, long bytes, double elapsedMs);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Pull of {Source} failed: {Reason}")]
    public static partial void PullFailed(this ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Started the runner of model {Model} (process {ProcessId}) in {ElapsedMs:0} ms")]
    public static partial void RunnerStarted(this ILogger logger, string model, int processId, double elapsedMs);

    // Information, not Error: every request the crash touched fails with this same reason, and is logged (or printed) as
    // that failure; one error line per crash on top would say it twice on a terminal.
    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Runner of model {Model} crashed: {Reason}")]
    public static partial void RunnerCrashed(this ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "Model {Model} is marked failing after {Crashes} runner crashes; it is refused until reimported or Strata restarts")]
    public static partial void ModelMarkedFailing(this ILogger logger, string model, int crashes);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Ended the runner of model {Model} after {IdleSeconds:0} s without requests")]
    public static partial void RunnerEndedIdle(this ILogger logger, string model, double idleSeconds);
}
