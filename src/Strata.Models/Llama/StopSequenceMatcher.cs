namespace Strata.Models.Llama;

/// <summary>
/// Cuts generated text at the first stop sequence. Text that could still turn out to be the start of a stop
/// sequence is held back, so a streamed stop sequence never shows up piece by piece.
/// </summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stopSequences)
{
    private readonly string[] _stops = stopSequences.Where(stop => stop.Length > 0).ToArray();
    private string _held = "";

    /// <summary>The stop sequence that ended the text, once one has.</summary>
    public string? Matched { get; private set; }

    /// <summary>Adds generated text; returns the text safe to emit and whether a stop sequence was hit.</summary>
    public (string Emit, bool Stopped) Push(string text)
    {
        var pending = _held + text;
        var cut = -1;
        foreach (var stop in _stops)
        {
            var at = pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
                Matched = stop;
            }
        }

        if (cut >= 0)
        {
            _held = "";
            return (pending[..cut], true);
        }

        var keep = LongestStopPrefixAtEnd(pending);
        _held = pending[^keep..];
        return (pending[..^keep], false);
    }

    /// <summary>Releases held-back text when generation ends without a stop sequence.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = "";
        return rest;
    }

    private int LongestStopPrefixAtEnd(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
