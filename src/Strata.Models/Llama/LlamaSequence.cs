using System.Threading.Channels;
using LLama;
using LLama.Native;
using LLama.Sampling;

namespace Strata.Models.Llama;

/// <summary>
/// One request being served by <see cref="LlamaDecodeLoop"/>: its prompt, its own sampler (seed, grammar),
/// its text decoder and its output channel. Everything but <see cref="Cancel"/> runs on the loop's thread.
/// </summary>
internal sealed class LlamaSequence : IDisposable
{
    private readonly LLamaToken[] _prompt;
    private readonly DefaultSamplingPipeline _sampler;
    private readonly StopSequenceMatcher _stops;
    private readonly Channel<GenerationUpdate> _output = Channel.CreateUnbounded<GenerationUpdate>(new() { SingleReader = true, SingleWriter = false });
    private StreamingTokenDecoder? _decoder;
    private int _prompted;
    private readonly int? _topLogProbabilities;
    private LogitsReader? _logits;
    private List<TokenLogProbability>? _pendingLogProbabilities;
    private LLamaToken? _next;
    private volatile bool _done;

    // topLogProbabilities: when set, every token reports its log probability and this many alternatives.
    public LlamaSequence(LLamaToken[] prompt, int maxOutputTokens, DefaultSamplingPipeline sampler, IReadOnlyList<string> stopSequences, int? topLogProbabilities = null)
    {
        _prompt = prompt;
        MaxOutputTokens = maxOutputTokens;
        _sampler = sampler;
        _stops = new StopSequenceMatcher(stopSequences);
        _topLogProbabilities = topLogProbabilities;
    }

    public int PromptTokens => _prompt.Length;

    public int MaxOutputTokens { get; }

    /// <summary>Tokens this sequence may occupy in the KV cache.</summary>
    public int Reservation => _prompt.Length + MaxOutputTokens;

    public int OutputTokens { get; private set; }

    /// <summary>Whether each token reports its log probability.</summary>
    public bool ReportsLogProbabilities => _topLogProbabilities is not null;

    public bool IsDone => _done;

    /// <summary>Whether its caller cancelled it before it finished (the loop counts these as released early).</summary>
    public bool WasCancelled { get; private set; }

    public ChannelReader<GenerationUpdate> Updates => _output.Reader;

    private LlamaSlot? Slot { get; set; }

    // The sequence whose prompt (the same tokens) this one copies instead of decoding it; null once copied, or when none.
    private LlamaSequence? _leader;

    /// <summary>Whether this sequence waits to copy the prompt of another sequence with the same prompt.</summary>
    public bool IsFollower => _leader is not null;

    /// <summary>Whether <paramref name="other"/> has exactly this sequence's prompt tokens.</summary>
    public bool HasSamePrompt(LlamaSequence other) => _prompt.AsSpan().SequenceEqual(other._prompt);

    /// <summary>
    /// Admits the sequence. With a <paramref name="leader"/> (an admitted sequence with the same prompt), the prompt is
    /// not decoded again: once the leader's prompt is in the KV cache, <see cref="TryFollow"/> copies its cells.
    /// </summary>
    public void Start(LlamaBatchDecoder decoder, LlamaSequence? leader = null)
    {
        _decoder = new StreamingTokenDecoder(decoder.Context);
        if (leader is not null && _prompt.Length > 1)
        {
            _leader = leader;
            return;
        }

        Slot = decoder.Create();
    }

    /// <summary>
    /// For a follower, between steps (no sequence waits for a decode): once its leader's prompt is decoded, forks the
    /// leader's slot (llama.cpp shares the sequence's KV cells) with all but the prompt's last token, which it decodes
    /// itself for its own logits; the leader may have generated tokens since, and they are not shared. A leader that
    /// ended first leaves the follower to decode its prompt itself.
    /// Returns the prompt tokens this saved from decoding.
    /// </summary>
    public int TryFollow(LlamaBatchDecoder decoder)
    {
        if (_leader is not { } leader || _done)
        {
            return 0;
        }

        if (leader._done || leader.Slot is not { IsDisposed: false } source)
        {
            _leader = null;
            Slot = decoder.Create();
            return 0;
        }

        if (leader._prompted < leader._prompt.Length || source.RequiresInference)
        {
            return 0;
        }

        var kept = _prompt.Length - 1;
        Slot = source.Fork(kept);
        _prompted = kept;
        _leader = null;
        return kept;
    }

    /// <summary>Queues the token sampled last step; returns how many tokens went into the batch (0 or 1).</summary>
    public int FeedSampledToken()
    {
        if (Slot is null || _done || _next is not { } token)
        {
            return 0;
        }

        Slot.Prompt(token);
        _next = null;
        return 1;
    }

    /// <summary>Queues the next chunk of the prompt, at most <paramref name="capacity"/> tokens; returns how many.</summary>
    public int FeedPrompt(int capacity)
    {
        var count = Math.Min(capacity, _prompt.Length - _prompted);
        if (_leader is not null)
        {
            return 0;
        }

        if (Slot is null || _done || count <= 0)
        {
            return 0;
        }

        Slot.Prompt(_prompt.AsSpan(_prompted, count));
        _prompted += count;
        return count;
    }

    /// <summary>True when this sequence generates (all of its prompt is in) and its logits are ready.</summary>
    public bool CanSample => Slot is { RequiresSampling: true } && _prompted == _prompt.Length && !_done;

    public void SampleNext(SafeLlamaModelHandle model)
    {
        if (_topLogProbabilities is { } top)
        {
            // The raw logits of this position, read before the sampler runs: the model's own distribution.
            _logits ??= new LogitsReader(model, top);
            _logits.Capture(Slot!.Logits());
        }

        var token = Slot!.Sample(_sampler);
        if (token.IsEndOfGeneration(model))
        {
            Finish(_stops.Flush(), GenerationFinish.Stop);
            return;
        }

        if (_logits is not null)
        {
            (_pendingLogProbabilities ??= []).Add(_logits.Describe(token));
        }

        OutputTokens++;
        _decoder!.Add(token);
        var (text, stopped) = _stops.Push(_decoder.Read());
        if (stopped)
        {
            Finish(text, GenerationFinish.Stop, _stops.Matched);
        }
        else if (OutputTokens >= MaxOutputTokens)
        {
            Finish(text + _stops.Flush(), GenerationFinish.Length);
        }
        else
        {
            if (text.Length > 0)
            {
                _output.Writer.TryWrite(new GenerationUpdate(text, null, OutputTokens, LogProbabilities: TakeLogProbabilities()));
            }

            _next = token;
        }
    }

    /// <summary>Ends the request at once, from any thread; the loop drops the sequence before its next step.</summary>
    public void Cancel(CancellationToken token)
    {
        WasCancelled |= !_done;
        _done = true;
        _output.Writer.TryComplete(new OperationCanceledException(token));
    }

    public void Fail(Exception exception)
    {
        _done = true;
        _output.Writer.TryComplete(exception);
    }

    public void Dispose()
    {
        _done = true;
        _output.Writer.TryComplete(new ObjectDisposedException(nameof(LlamaSequence)));
        Slot?.Dispose();
        _sampler.Dispose();
    }

    private void Finish(string text, GenerationFinish finish, string? stopSequence = null)
    {
        _output.Writer.TryWrite(new GenerationUpdate(text, finish, OutputTokens, stopSequence, TakeLogProbabilities()));
        _done = true;
        _output.Writer.TryComplete();
    }

    // The tokens since the last update: their text goes out with this one (a token that ends inside a UTF-8 character,
    // or inside a possible stop sequence, reports with the update that finally carries its text).
    private List<TokenLogProbability>? TakeLogProbabilities()
    {
        var taken = _pendingLogProbabilities;
        _pendingLogProbabilities = null;
        return taken;
    }
}
