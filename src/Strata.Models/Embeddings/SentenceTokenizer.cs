using Microsoft.ML.Tokenizers;

namespace Strata.Models.Embeddings;

/// <summary>
/// A BERT word-piece tokenizer with the length limit of the model it feeds. The tokenizer comes from
/// <see cref="BertBasicTokenization"/>, so text is split as the reference BERT tokenizer splits it (line breaks and tabs
/// separate words, accents are stripped for uncased models).
/// </summary>
internal sealed class SentenceTokenizer
{
    private readonly BertTokenizer tokenizer;

    public SentenceTokenizer(BertTokenizer tokenizer, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        this.tokenizer = tokenizer;
        MaxTokens = maxTokens;
    }

    /// <summary>The most ids one input is given, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    /// <summary>The id of the padding token.</summary>
    public int PaddingId => tokenizer.PaddingTokenId;

    /// <summary>Encodes <paramref name="text"/> as [CLS] pieces [SEP], cutting the pieces so the whole fits.</summary>
    public EncodedText Encode(string text)
    {
        var ids = tokenizer.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true);
        if (ids.Count <= MaxTokens)
        {
            return new EncodedText([.. ids], ids.Count);
        }

        // Cut like Hugging Face's truncation does: keep the first pieces and end with [SEP] again, so the model still
        // sees a well-formed sequence.
        var kept = new int[MaxTokens];
        for (var i = 0; i < MaxTokens - 1; i++)
        {
            kept[i] = ids[i];
        }

        kept[^1] = tokenizer.SeparatorTokenId;
        return new EncodedText(kept, ids.Count);
    }

    /// <summary>
    /// Encodes a pair for a cross-encoder as [CLS] first [SEP] second [SEP], with segment ids 0 for the first part and
    /// 1 for the second. The first part keeps at most half the budget; the second is cut to fill the rest.
    /// </summary>
    public (long[] Ids, long[] Segments) EncodePair(string first, string second)
    {
        var a = tokenizer.EncodeToIds(first, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        var b = tokenizer.EncodeToIds(second, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        var budget = MaxTokens - 3;
        var firstCount = Math.Min(a.Count, Math.Max(budget - b.Count, budget / 2));
        var secondCount = Math.Min(b.Count, budget - firstCount);
        var length = firstCount + secondCount + 3;
        var ids = new long[length];
        var segments = new long[length];
        ids[0] = tokenizer.ClassificationTokenId;
        for (var i = 0; i < firstCount; i++)
        {
            ids[1 + i] = a[i];
        }

        ids[firstCount + 1] = tokenizer.SeparatorTokenId;
        for (var i = 0; i < secondCount; i++)
        {
            ids[firstCount + 2 + i] = b[i];
            segments[firstCount + 2 + i] = 1;
        }

        ids[^1] = tokenizer.SeparatorTokenId;
        segments[^1] = 1;
        return (ids, segments);
    }
}
