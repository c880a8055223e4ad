using System.Text;
using LLama.Native;

namespace Strata.Models.Llama;

/// <summary>
/// Log probabilities from a position's raw logits: a numerically stable log-softmax over the whole vocabulary, the
/// sampled token's value and the top alternatives. Runs on the decode loop's thread, only for requests that ask.
/// </summary>
internal sealed class LogitsReader(SafeLlamaModelHandle model, int top)
{
    /// <summary>The most alternatives OpenAI's API allows per position.</summary>
    public const int MaxTop = 20;

    private readonly byte[] _buffer = new byte[256];
    private float[] _logits = [];
    private double _logSum;

    /// <summary>Keeps this position's logits (they are overwritten by the next decode).</summary>
    public void Capture(ReadOnlySpan<float> logits)
    {
        if (_logits.Length != logits.Length)
        {
            _logits = new float[logits.Length];
        }

        logits.CopyTo(_logits);
        var max = float.NegativeInfinity;
        foreach (var logit in _logits)
        {
            max = Math.Max(max, logit);
        }

        var sum = 0.0;
        foreach (var logit in _logits)
        {
            sum += Math.Exp(logit - max);
        }

        _logSum = max + Math.Log(sum);
    }

    /// <summary>The sampled token's entry, with the top alternatives of the captured position.</summary>
    public TokenLogProbability Describe(LLamaToken token)
    {
        var alternatives = new List<TokenAlternative>(top);
        if (top > 0)
        {
            // A partial selection: keep the best `top` indexes seen so far, sorted, in a small array.
            var best = new List<int>(top + 1);
            for (var i = 0; i < _logits.Length; i++)
            {
                if (best.Count == top && _logits[i] <= _logits[best[^1]])
                {
                    continue;
                }

                var at = best.FindIndex(index => _logits[index] < _logits[i]);
                best.Insert(at < 0 ? best.Count : at, i);
                if (best.Count > top)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }

            alternatives.AddRange(best.Select(index =>
            {
                var bytes = Bytes((LLamaToken)index);
                return new TokenAlternative(Encoding.UTF8.GetString(bytes), LogProbability(index), bytes);
            }));
        }

        var sampled = Bytes(token);
        return new TokenLogProbability(Encoding.UTF8.GetString(sampled), LogProbability((int)token), sampled, alternatives);
    }

    // Never above 0, even where rounding in the sum would put the most likely token a hair over.
    private double LogProbability(int index) => Math.Min(0, _logits[index] - _logSum);

    private byte[] Bytes(LLamaToken token)
    {
        var length = (int)model.TokenToSpan(token, _buffer);
        return length <= _buffer.Length ? _buffer.AsSpan(0, length).ToArray() : [];
    }
}
