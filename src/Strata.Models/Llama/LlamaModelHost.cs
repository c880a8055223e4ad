using LLama;
using LLama.Common;
using Strata.Models.Formats.Gguf;

namespace Strata.Models.Llama;

/// <summary>
/// Loads a GGUF model's weights once, serves every request through one <see cref="LlamaDecodeLoop"/>, and unloads
/// the weights after <see cref="LlamaChatClientOptions.IdleUnloadTime"/> without requests; the next request loads
/// them again. The file is validated by <see cref="GgufReader"/> before llama.cpp sees it, so a corrupt or hostile
/// file fails with a <see cref="GgufFormatException"/> instead of crashing the process.
/// </summary>
public sealed class LlamaModelHost : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LlamaChatClientOptions _options;
    private readonly Timer _idleTimer;
    private TimeSpan? _idleOverride;
    private LoadedModel? _loaded;
    private int _inUse;
    private bool _disposed;

    /// <summary>Validates the GGUF file at <paramref name="path"/>; the weights load on first use.</summary>
    /// <exception cref="GgufFormatException">The file is not a GGUF file llama.cpp would accept.</exception>
    public LlamaModelHost(string path, LlamaChatClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // As early as possible: once anything loads the native library, the log callback can no longer be set.
        LlamaNativeLog.EnsureInstalled();
        _options = options ?? new LlamaChatClientOptions();
        _options.Validate();
        Path = System.IO.Path.GetFullPath(path);
        var header = GgufReader.Read(Path);
        HasChatTemplate = header.Metadata.ContainsKey("tokenizer.chat_template");
        TrainedContextSize = header.GetString("general.architecture") is { } architecture
            && header.GetInteger(architecture + ".context_length") is > 0 and var trained ? (int)Math.Min(trained, int.MaxValue) : null;
        // Positions past what the model was trained on give garbage, so the configured size is only an upper bound.
        ContextSize = Math.Min(_options.ContextSize, TrainedContextSize ?? int.MaxValue);
        _idleTimer = new Timer(_ => _ = UnloadIfIdleAsync());
    }

    /// <summary>The GGUF file served.</summary>
    public string Path { get; }

    /// <summary>Whether the model file carries its own chat template.</summary>
    public bool HasChatTemplate { get; }

    /// <summary>The context the model was trained for (GGUF <c>ARCH.context_length</c>), when the file says.</summary>
    public int? TrainedContextSize { get; }

    /// <summary>Tokens one request may use: the configured size, or the trained size when that is smaller.</summary>
    public int ContextSize { get; }

    /// <summary>The options the model is served with.</summary>
    public LlamaChatClientOptions Options => _options;

    /// <summary>Whether the weights are in memory now.</summary>
    public bool IsLoaded => Volatile.Read(ref _loaded) is not null;

    /// <summary>The most requests decoded in one batch since the last reset (0 when unloaded).</summary>
    public int PeakParallelSequences => Volatile.Read(ref _loaded)?.Loop.PeakParallelSequences ?? 0;

    /// <summary>Requests whose caller cancelled them before they finished, since the weights loaded (0 when unloaded).</summary>
    public int CancelledSequences => Volatile.Read(ref _loaded)?.Loop.CancelledSequences ?? 0;

    /// <summary>
    /// Prompt tokens the model decoded since the weights loaded (0 when unloaded). Requests with the same prompt in the
    /// batch at once (the choices of <c>n</c> &gt; 1) decode it once: each further one adds only the prompt's last token.
    /// </summary>
    public long PromptTokensDecoded => Volatile.Read(ref _loaded)?.Loop.PromptTokensDecoded ?? 0;

    /// <summary>Starts counting <see cref="PeakParallelSequences"/> afresh.</summary>
    public void ResetPeakParallelSequences() => Volatile.Read(ref _loaded)?.Loop.ResetPeakParallelSequences();

    /// <summary>Loads the weights if needed and keeps them loaded until the returned lease is disposed.</summary>
    internal async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _loaded ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
            _inUse++;
            _idleTimer.Change(Timeout.Infinite, Timeout.Infinite);
            return new Lease(this, _loaded);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Counts the tokens this model's tokenizer makes of <paramref name="text"/>, special tokens parsed as a rendered
    /// prompt parses them; loads the weights if needed. Lets a conversation be trimmed by real token counts.
    /// </summary>
    public async Task<int> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var lease = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        return lease.Model.Weights.Tokenize(text, false, true, System.Text.Encoding.UTF8).Length;
    }

    /// <summary>
    /// How long the weights stay loaded without requests from now on, instead of <see cref="LlamaChatClientOptions.IdleUnloadTime"/>
    /// (null restores it; zero unloads them as soon as the last request ends; <see cref="Timeout.InfiniteTimeSpan"/> keeps
    /// them loaded). Ollama's <c>keep_alive</c>.
    /// </summary>
    public void KeepAlive(TimeSpan? idle)
    {
        _idleOverride = idle;
        if (Volatile.Read(ref _loaded) is not null && !_disposed)
        {
            // Restart the countdown under the new time; a request that starts stops it again, and its end restarts it.
            _idleTimer.Change(IdleTime, Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan IdleTime => _idleOverride ?? _options.IdleUnloadTime;

    /// <summary>Unloads the weights now if no request is using them.</summary>
    public async Task UnloadIfIdleAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_inUse == 0 && _loaded is { } loaded)
            {
                _loaded = null;
                await loaded.DisposeAsync().ConfigureAwait(false);
                _options.Logger.ModelUnloadedIdle(ModelName, IdleTime.TotalSeconds);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _idleTimer.DisposeAsync().ConfigureAwait(false);
            if (_loaded is { } loaded)
            {
                _loaded = null;
                await loaded.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Release()
    {
        _gate.Wait();
        try
        {
            if (--_inUse == 0 && !_disposed)
            {
                _idleTimer.Change(IdleTime, Timeout.InfiniteTimeSpan);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private string ModelName => _options.ModelId ?? System.IO.Path.GetFileName(Path);

    private async Task<LoadedModel> LoadAsync(CancellationToken cancellationToken)
    {
        LlamaNativeLog.EnsureInstalled();
        var cacheTokens = ContextSize * _options.MaxParallelSequences;
        var parameters = new ModelParams(Path)
        {
            // All sequences share one KV cache; admission in the decode loop keeps their reservations within it.
            ContextSize = (uint)cacheTokens,
            BatchSize = (uint)_options.BatchSize,
            UBatchSize = (uint)_options.BatchSize,
            SeqMax = (uint)_options.MaxParallelSequences,
            KVUnified = true,
            GpuLayerCount = 0,
            LoadMode = LlamaWeightPlacement.For(Path),
        };
        if (_options.Threads is { } threads)
        {
            parameters.Threads = threads;
            parameters.BatchThreads = threads;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        _options.Logger.ModelLoading(ModelName, "gguf", Path);
        LLamaWeights weights;
        try
        {
            weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _options.Logger.ModelLoadFailed(ModelName, exception.Message);
            throw new LlamaModelLoadException($"llama.cpp could not load '{Path}'; it said:\n{LlamaNativeLog.Text}", exception);
        }

        try
        {
            var loaded = new LoadedModel(weights, new LlamaDecodeLoop(weights, parameters, _options.MaxParallelSequences, cacheTokens));
            _options.Logger.ModelLoaded(ModelName, clock.Elapsed.TotalMilliseconds);
            return loaded;
        }
        catch (Exception exception)
        {
            weights.Dispose();
            _options.Logger.ModelLoadFailed(ModelName, exception.Message);
            throw new LlamaModelLoadException($"llama.cpp could not create a context for '{Path}'; it said:\n{LlamaNativeLog.Text}", exception);
        }
    }

    /// <summary>Weights and their decode loop, unloaded together.</summary>
    internal sealed class LoadedModel(LLamaWeights weights, LlamaDecodeLoop loop) : IAsyncDisposable
    {
        public LLamaWeights Weights { get; } = weights;

        public LlamaDecodeLoop Loop { get; } = loop;

        public async ValueTask DisposeAsync()
        {
            await Loop.DisposeAsync().ConfigureAwait(false);
            Weights.Dispose();
        }
    }

    /// <summary>Keeps the model loaded while a request runs.</summary>
    internal sealed class Lease(LlamaModelHost host, LoadedModel model) : IDisposable
    {
        private int _released;

        public LoadedModel Model { get; } = model;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                host.Release();
            }
        }
    }
}
