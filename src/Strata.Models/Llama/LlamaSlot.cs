using LLama.Native;
using LLama.Sampling;

namespace Strata.Models.Llama;

/// <summary>
/// One sequence of a <see cref="LlamaBatchDecoder"/>: its id in the KV cache, its next position, and where in the last
/// batch its logits are. Used only on the decode loop's thread.
/// </summary>
internal sealed class LlamaSlot : IDisposable
{
    private readonly LlamaBatchDecoder _decoder;
    private int _end;
    private int _logitsIndex;
    // The epoch at which this slot's last prompted token has logits; 0 when it has none to sample.
    private ulong _readyEpoch;
    private bool _disposed;

    internal LlamaSlot(LlamaBatchDecoder decoder, LLamaSeqId id)
    {
        _decoder = decoder;
        Id = id;
    }

    public LLamaSeqId Id { get; }

    public bool IsDisposed => _disposed;

    /// <summary>Whether tokens of this slot wait in the batch for the next decode.</summary>
    public bool RequiresInference => _readyEpoch > _decoder.Epoch;

    /// <summary>Whether the last decode produced logits for this slot that it has not moved past.</summary>
    public bool RequiresSampling => _readyEpoch == _decoder.Epoch;

    /// <summary>Queues tokens at the slot's next positions; the last one asks for logits.</summary>
    public void Prompt(ReadOnlySpan<LLamaToken> tokens)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var i = 0; i < tokens.Length; i++)
        {
            _logitsIndex = _decoder.Add(tokens[i], _end++, Id, i == tokens.Length - 1);
        }

        if (tokens.Length > 0)
        {
            _readyEpoch = _decoder.Epoch + 1;
        }
    }

    public void Prompt(LLamaToken token) => Prompt([token]);

    /// <summary>The raw logits of the slot's last decoded position.</summary>
    public Span<float> Logits()
    {
        EnsureSampleable();
        return _decoder.Context.NativeHandle.GetLogitsIth(_logitsIndex);
    }

    /// <summary>Samples the next token with <paramref name="sampler"/> (which accepts it into its own state).</summary>
    public LLamaToken Sample(ISamplingPipeline sampler)
    {
        EnsureSampleable();
        return sampler.Sample(_decoder.Context.NativeHandle, _logitsIndex);
    }

    /// <summary>
    /// A new slot sharing this one's first <paramref name="keep"/> positions in the KV cache (llama.cpp shares the cells,
    /// it does not copy them). It has no logits until it is prompted.
    /// </summary>
    public LlamaSlot Fork(int keep)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, _end);
        var fork = new LlamaSlot(_decoder, _decoder.TakeId()) { _end = keep };
        _decoder.Context.NativeHandle.MemorySequenceCopy(Id, fork.Id, 0, keep);
        return fork;
    }

    /// <summary>Frees the slot's KV cache cells and its sequence id.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _decoder.Release(Id);
    }

    private void EnsureSampleable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!RequiresSampling)
        {
            throw new InvalidOperationException("the sequence has no logits from the last decode");
        }
    }
}
