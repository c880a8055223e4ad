using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJsonRpc;

namespace Strata.Models.Runners;

/// <summary>
/// One model's runner over time: started on the first request (one start at a time), shared by every request on that
/// model so the runner batches them, ended after <see cref="RunnerSettings.IdleUnload"/> without requests (so its memory
/// really goes back), and started again after a crash. Crashes are reported to <see cref="ModelRunnerHealth"/>; a model
/// it marks failing is refused without starting a runner.
/// </summary>
internal sealed class SupervisedRunner : IAsyncDisposable
{
    private readonly RunnerLoadRequest load;
    private readonly string version;
    private readonly RunnerSettings settings;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Timer idleTimer;
    private RunnerProcess? current;
    private int active;
    private bool disposed;
    private TimeSpan? idleOverride;

    public SupervisedRunner(RunnerLoadRequest load, string version, RunnerSettings settings)
    {
        this.load = load;
        this.version = version;
        this.settings = settings;
        logger = settings.Logger ?? NullLogger.Instance;
        idleTimer = new Timer(_ => _ = EndIfIdleAsync());
    }

    /// <summary>The model's name.</summary>
    public string Model => load.Name;

    /// <summary>What the runner reported when it loaded the model; null before the first start.</summary>
    public RunnerModelInfo? Info { get; private set; }

    /// <summary>The running process, if any (tests kill it to play a crash).</summary>
    public RunnerProcess? Current => Volatile.Read(ref current);

    /// <summary>Takes the runner for one request, starting it when none runs; dispose the lease when the request ends.</summary>
    /// <exception cref="ModelRunnerException">The model is failing, or its runner could not start or load it.</exception>
    public async Task<RunnerLease> AcquireAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (current is null || current.Exited.IsCompleted)
            {
                current = await StartAsync(cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref active);
            idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return new RunnerLease(this, current);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Runs one call on the runner, starting it if none runs, and turns its failures into Strata's: a remote exception
    /// comes back as its own type, a lost channel as a <see cref="ModelRunnerException"/> naming the model. A
    /// cancellation the caller asked for passes through as it is.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<RunnerLease, Task<T>> call, CancellationToken cancellationToken)
    {
        using var lease = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(lease).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw await lease.TranslateAsync(e).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            disposed = true;
            await idleTimer.DisposeAsync().ConfigureAwait(false);
            if (current is { } process)
            {
                current = null;
                await process.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref active) == 0 && !disposed)
        {
            idleTimer.Change(IdleTime, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// How long the runner lives without requests from now on (Ollama's <c>keep_alive</c>): null restores
    /// <see cref="RunnerSettings.IdleUnload"/>, zero ends it as soon as its last request ends, <see cref="Timeout.InfiniteTimeSpan"/>
    /// keeps it.
    /// </summary>
    public void KeepAlive(TimeSpan? idle)
    {
        idleOverride = idle;
        if (Volatile.Read(ref active) == 0 && Current is not null && !disposed)
        {
            idleTimer.Change(IdleTime, Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan IdleTime => idleOverride ?? settings.IdleUnload;

    private void ThrowIfFailing()
    {
        if (settings.Health.FailureOf(load.Name, version) is { } reason)
        {
            throw new ModelRunnerException($"Model '{load.Name}' is marked failing: {reason}. Reimport it or restart Strata to try again.");
        }
    }

    private async Task<RunnerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var program = load.Role == RunnerRole.Images ? RunnerProcess.ImageProgramFile : RunnerProcess.ProgramFile;
        var process = await RunnerProcess.StartAsync(RunnerLogs.PathFor(settings.LogsFolder, load.Name), program, cancellationToken).ConfigureAwait(false);
        try
        {
            Info = await process.Runner.LoadAsync(load, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteInvocationException e)
        {
            // The runtime refused the model cleanly (llama.cpp's "failed to load"): not a crash, but the model is unusable
            // until it is replaced. The store's location is the server's business, not the client's.
            await process.DisposeAsync().ConfigureAwait(false);
            var reason = RunnerErrors.WithoutHome(RunnerErrors.OneLine(RunnerErrors.FromRemote(e).Message), settings.HomeForMessages);
            throw new ModelRunnerException($"Model '{load.Name}' could not be loaded: {reason}", e);
        }
        catch (Exception e) when (RunnerErrors.IsChannelFailure(e))
        {
            var lost = await RunnerErrors.RunnerLostAsync(load.Name, process, e).ConfigureAwait(false);
            await process.DisposeAsync().ConfigureAwait(false);
            settings.Health.RecordCrash(load.Name, version, lost.Message);
            logger.RunnerCrashed(load.Name, lost.Message);
            throw lost;
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        logger.RunnerStarted(load.Name, process.ProcessId, clock.Elapsed.TotalMilliseconds);
        _ = WatchAsync(process);
        return process;
    }

    private async Task WatchAsync(RunnerProcess process)
    {
        await process.Exited.ConfigureAwait(false);
        if (process.EndedByParent)
        {
            return;
        }

        var reason = RunnerErrors.Describe(load.Name, process);
        var failing = settings.Health.RecordCrash(load.Name, version, reason);
        logger.RunnerCrashed(load.Name, reason);
        if (failing)
        {
            logger.ModelMarkedFailing(load.Name, ModelRunnerHealth.CrashLimit);
        }

        await process.DisposeAsync().ConfigureAwait(false);
    }

    private async Task EndIfIdleAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref active) == 0 && current is { } process && !disposed)
            {
                current = null;
                await process.DisposeAsync().ConfigureAwait(false);
                logger.RunnerEndedIdle(load.Name, IdleTime.TotalSeconds);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>One request's hold on a runner: keeps it from idling out, and explains its failures.</summary>
internal sealed class RunnerLease(SupervisedRunner owner, RunnerProcess process) : IDisposable
{
    private int released;

    public IModelRunner Runner => process.Runner;

    /// <summary>The runner's chat update stream.</summary>
    public RunnerUpdateReader Updates => process.Updates;

    /// <summary>The image calls, for a runner of <see cref="RunnerRole.Images"/>.</summary>
    public IImageRunner Images => process.Images;

    /// <summary>The exception to throw for <paramref name="e"/>, raised by a call on this runner.</summary>
    public async Task<Exception> TranslateAsync(Exception e) => e switch
    {
        RemoteInvocationException remote => RunnerErrors.FromRemote(remote),
        _ when RunnerErrors.IsChannelFailure(e) => await RunnerErrors.RunnerLostAsync(owner.Model, process, e).ConfigureAwait(false),
        _ => e,
    };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            owner.Release();
        }
    }
}
