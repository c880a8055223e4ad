using System.Threading.Channels;
using LLama;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// The one decode loop of a loaded model. Every step it puts one token of each generating sequence, plus chunks of
/// new prompts up to the batch size, into a single batch, decodes it once, and samples each sequence with its own
/// sampler. Requests therefore share each forward pass instead of waiting behind a lock.
/// Admission keeps the sum of admitted reservations (prompt + max output) within the KV cache, so a decode never
/// runs out of cache slots halfway through an answer; requests beyond that wait in arrival order.
/// The loop runs on a thread of its own, so every decode starts from the same thread (see <see cref="LlamaBatchDecoder"/>).
/// </summary>
internal sealed class LlamaDecodeLoop : IAsyncDisposable
{
    private readonly LlamaBatchDecoder _decoder;
    private readonly Channel<LlamaSequence> _incoming = Channel.CreateUnbounded<LlamaSequence>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _maxParallel;
    private readonly int _batchSize;
    private readonly int _cacheTokens;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _peakParallel;
    private int _cancelled;
    private long _promptTokensDecoded;

    public LlamaDecodeLoop(LLamaWeights weights, LLama.Abstractions.IContextParams contextParams, int maxParallel, int cacheTokens)
    {
        _decoder = new LlamaBatchDecoder(weights, contextParams, maxParallel);
        _maxParallel = maxParallel;
        _batchSize = checked((int)_decoder.Context.BatchSize);
        _cacheTokens = cacheTokens;
        new Thread(Run) { IsBackground = true, Name = "llama decode loop" }.Start();
    }

    /// <summary>The most sequences that shared one decode step since the last reset; shows batching at work.</summary>
    public int PeakParallelSequences => Volatile.Read(ref _peakParallel);

    /// <summary>Sequences dropped because their caller cancelled them before they finished (their slots freed early).</summary>
    public int CancelledSequences => Volatile.Read(ref _cancelled);

    /// <summary>Prompt tokens put through the model since it loaded; a prompt copied from another sequence's cache adds only its last token.</summary>
    public long PromptTokensDecoded => Interlocked.Read(ref _promptTokensDecoded);

    public void ResetPeakParallelSequences() => Volatile.Write(ref _peakParallel, 0);

    public void Enqueue(LlamaSequence sequence)
    {
        if (!_incoming.Writer.TryWrite(sequence))
        {
            sequence.Fail(new ObjectDisposedException(nameof(LlamaDecodeLoop)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _stopped.Task.ConfigureAwait(false);
        }
        finally
        {
            _decoder.Dispose();
            _stopping.Dispose();
        }
    }

    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception exception)
        {
            // An exception leaving a thread of its own would end the process; the loop's disposal reports it instead.
            _stopped.TrySetException(exception);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Loop()
    {
        var active = new List<LlamaSequence>();
        var waiting = new Queue<LlamaSequence>();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // Blocking is fine here: the thread is the loop's own, and it has nothing else to do.
                if (active.Count == 0 && waiting.Count == 0 && !_incoming.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult())
                {
                    break;
                }

                while (_incoming.Reader.TryRead(out var arrived))
                {
                    waiting.Enqueue(arrived);
                }

                Admit(active, waiting);
                if (active.Count == 0)
                {
                    continue;
                }

                // Before anything is queued: followers whose leader's prompt is decoded copy it now.
                foreach (var sequence in active.Where(sequence => sequence.IsFollower))
                {
                    sequence.TryFollow(_decoder);
                }

                // Sampled tokens first (one per generating sequence), then prompt chunks in the room left: one batch, one decode.
                var room = _batchSize;
                foreach (var sequence in active)
                {
                    room -= sequence.FeedSampledToken();
                }

                var prompted = 0;
                foreach (var sequence in active)
                {
                    prompted += sequence.FeedPrompt(room - prompted);
                }

                Interlocked.Add(ref _promptTokensDecoded, prompted);

                if (_decoder.BatchedTokenCount > 0)
                {
                    if (active.Count > _peakParallel)
                    {
                        Volatile.Write(ref _peakParallel, active.Count);
                    }

                    var result = _decoder.Decode();
                    if (result != DecodeResult.Ok)
                    {
                        FailAll(active, new LlamaInferenceException($"llama.cpp could not decode the batch: {result}"));
                        continue;
                    }
                }

                foreach (var sequence in active.Where(sequence => sequence.CanSample))
                {
                    try
                    {
                        sequence.SampleNext(_decoder.Model);
                    }
                    catch (Exception exception)
                    {
                        // One request's sampler failing must not take the others, or the loop, down with it.
                        sequence.Fail(exception);
                    }
                }

                RemoveDone(active);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            FailAll(active, exception);
            foreach (var sequence in waiting)
            {
                sequence.Fail(exception);
            }

            waiting.Clear();
        }
        finally
        {
            // Whatever ended the loop, a request enqueued from now on fails at once instead of waiting for a reader.
            _incoming.Writer.TryComplete();
            var closed = new ObjectDisposedException(nameof(LlamaDecodeLoop), "the model was unloaded");
            FailAll(active, closed);
            foreach (var sequence in waiting)
            {
                sequence.Fail(closed);
                sequence.Dispose();
            }

            while (_incoming.Reader.TryRead(out var late))
            {
                late.Fail(closed);
                late.Dispose();
            }
        }
    }

    private void Admit(List<LlamaSequence> active, Queue<LlamaSequence> waiting)
    {
        var reserved = active.Sum(sequence => sequence.Reservation);
        while (waiting.Count > 0 && active.Count < _maxParallel)
        {
            var next = waiting.Peek();
            if (next.IsDone)
            {
                Drop(waiting.Dequeue());
                continue;
            }

            if (reserved + next.Reservation > _cacheTokens)
            {
                break;
            }

            waiting.Dequeue();
            // Several choices of one request (n > 1) arrive as sequences with the same prompt: decode it once.
            next.Start(_decoder, active.FirstOrDefault(sequence => !sequence.IsDone && !sequence.IsFollower && sequence.HasSamePrompt(next)));
            reserved += next.Reservation;
            active.Add(next);
        }
    }

    private void RemoveDone(List<LlamaSequence> active)
    {
        for (var i = active.Count - 1; i >= 0; i--)
        {
            if (active[i].IsDone)
            {
                Drop(active[i]);
                active.RemoveAt(i);
            }
        }
    }

    private void Drop(LlamaSequence sequence)
    {
        if (sequence.WasCancelled)
        {
            Interlocked.Increment(ref _cancelled);
        }

        // Disposing the conversation also frees its KV cache cells for the next request.
        sequence.Dispose();
    }

    private static void FailAll(List<LlamaSequence> active, Exception exception)
    {
        foreach (var sequence in active)
        {
            sequence.Fail(exception);
            sequence.Dispose();
        }

        active.Clear();
    }
}
