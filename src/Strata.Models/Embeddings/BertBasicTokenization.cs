using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Strata.Models.Embeddings;

/// <summary>
/// Creates Microsoft.ML.Tokenizers <see cref="BertTokenizer"/>s that split text as BERT's reference <c>BasicTokenizer</c>
/// does before WordPiece, so the ids match what the model was trained on: line breaks and tabs separate words, control
/// and format characters vanish, accents are stripped when the model lowercases, and every ASCII symbol or Unicode
/// punctuation mark is a token of its own. Everything that tokenizes for a BERT-family embedding model (the ONNX
/// embedding generator, the chunker's token counter) goes through here, so counts and embeddings agree.
/// </summary>
/// <remarks>
/// The library's options take the two replaced parts: <see cref="WordPieceOptions.Normalizer"/> gets
/// <see cref="BertBasicNormalizer"/>, and <see cref="WordPieceOptions.PreTokenizer"/> a regex pre-tokenizer on BERT's
/// punctuation. The library's default pre-tokenizer keeps only runs of <c>\w</c> and <c>\p{P}</c> and silently drops
/// everything else: "$5 + tax" lost its "$" and "+", "x²" its "²".
/// </remarks>
public static partial class BertBasicTokenization
{
    /// <summary>Creates the tokenizer for a <c>vocab.txt</c> (one token a line, the line number is the id).</summary>
    /// <param name="vocabulary">The vocabulary, read to its end.</param>
    /// <param name="lowerCase">Whether the model is uncased (<c>do_lower_case</c>).</param>
    /// <param name="stripAccents">Whether accents are stripped; null follows <paramref name="lowerCase"/>, as Hugging Face does.</param>
    /// <param name="tokenizeCjk">Whether each CJK ideograph is a word of its own (<c>tokenize_chinese_chars</c>).</param>
    public static BertTokenizer CreateTokenizer(Stream vocabulary, bool lowerCase = true, bool? stripAccents = null, bool tokenizeCjk = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        using var buffer = new MemoryStream();
        vocabulary.CopyTo(buffer);
        var options = new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            IndividuallyTokenizeCjk = tokenizeCjk,
            Normalizer = new BertBasicNormalizer(lowerCase, stripAccents ?? lowerCase, tokenizeCjk),
        };

        // Special tokens written in the text ("[SEP]") stay special, as with the library's own pre-tokenizer; they are
        // matched after normalisation, so in lowercase when the model lowercases.
        var specialTokens = SpecialTokenIds(buffer.ToArray(), [options.UnknownToken, options.SeparatorToken, options.PaddingToken, options.ClassificationToken, options.MaskingToken])
            .ToDictionary(pair => lowerCase ? pair.Key.ToLowerInvariant() : pair.Key, pair => pair.Value, StringComparer.Ordinal);
        options.PreTokenizer = new RegexPreTokenizer(WordOrPunctuation(), specialTokens);
        buffer.Position = 0;
        return BertTokenizer.Create(buffer, options);
    }

    // The library numbers every line, empty ones included, and so does this.
    private static Dictionary<string, int> SpecialTokenIds(byte[] vocabulary, string[] tokens)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(new MemoryStream(vocabulary), Encoding.UTF8);
        for (var id = 0; reader.ReadLine() is { } line; id++)
        {
            if (tokens.Contains(line, StringComparer.Ordinal))
            {
                ids.TryAdd(line, id);
            }
        }

        return ids;
    }

    // BERT's _is_punctuation: ASCII 33-47, 58-64, 91-96 and 123-126, and every Unicode punctuation category. A word is
    // a run of anything else that is not white space; after normalisation white space is the space and U+2028/U+2029,
    // which Python's str.split() also splits on.
    [GeneratedRegex(@"[^\s\p{P}!-/:-@\[-`{-~]+|[\p{P}!-/:-@\[-`{-~]", RegexOptions.CultureInvariant)]
    private static partial Regex WordOrPunctuation();
}
