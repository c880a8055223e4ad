using LLama;
using LLama.Abstractions;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// One llama.cpp context, its batch and its sequences (<see cref="LlamaSlot"/>), decoded on the caller's thread.
/// </summary>
/// <remarks>
/// Written instead of LLamaSharp's <c>BatchedExecutor</c>, whose <c>Infer</c> decodes through <c>Task.Run</c>: each
/// decode then starts on whichever thread pool thread is free, and llama.cpp's CPU backend (built with OpenMP) keeps a
/// team of threads per calling thread. With more teams than cores, libgomp's threads spin only briefly before sleeping
/// at every barrier of the graph, so the decode threads kept sleeping and waking: a 0.5 B model decoded 1.15 times
/// faster on 2 threads than on 1, against 1.4 times when one thread makes every call. <see cref="LlamaDecodeLoop"/>
/// therefore calls <see cref="Decode"/> from its own thread. Sequence ids are reused as slots end, so they stay within
/// the context's sequence count however many requests it serves.
/// </remarks>
internal sealed class LlamaBatchDecoder : IDisposable
{
    private readonly LLamaBatch _batch = new();
    private readonly Stack<LLamaSeqId> _freeIds = new();

    public LlamaBatchDecoder(LLamaWeights weights, IContextParams contextParams, int maxSequences)
    {
        Model = weights.NativeHandle;
        Context = weights.CreateContext(contextParams);
        for (var id = maxSequences - 1; id >= 0; id--)
        {
            _freeIds.Push((LLamaSeqId)id);
        }
    }

    public LLamaContext Context { get; }

    public SafeLlamaModelHandle Model { get; }

    /// <summary>Tokens queued for the next <see cref="Decode"/>.</summary>
    public int BatchedTokenCount => _batch.TokenCount;

    /// <summary>Counts successful decodes; a slot prompted in epoch e can sample once the epoch is e + 1.</summary>
    internal ulong Epoch { get; private set; } = 1;

    /// <summary>A new, empty sequence.</summary>
    public LlamaSlot Create() => new(this, TakeId());

    /// <summary>Decodes every queued token in one pass. On failure the batch is dropped, with the loop failing its sequences.</summary>
    public DecodeResult Decode()
    {
        if (_batch.TokenCount == 0)
        {
            return DecodeResult.Ok;
        }

        try
        {
            var result = Context.Decode(_batch);
            if (result == DecodeResult.Ok)
            {
                Epoch++;
            }

            return result;
        }
        finally
        {
            _batch.Clear();
        }
    }

    public void Dispose() => Context.Dispose();

    internal int Add(LLamaToken token, LLamaPos position, LLamaSeqId id, bool logits) => _batch.Add(token, position, id, logits);

    internal LLamaSeqId TakeId() => _freeIds.TryPop(out var id)
        ? id
        : throw new InvalidOperationException("every sequence of the llama.cpp context is in use");

    internal void Release(LLamaSeqId id)
    {
        Context.NativeHandle.MemorySequenceRemove(id, 0, -1);
        _freeIds.Push(id);
    }
}
