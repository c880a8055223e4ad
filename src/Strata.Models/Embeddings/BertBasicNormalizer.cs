using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Strata.Models.Embeddings;

/// <summary>
/// The text normalisation of BERT's reference <c>BasicTokenizer</c>, before word pieces: <c>_clean_text</c> drops NUL,
/// U+FFFD and control and format characters (Cc, Cf) except tab, newline and carriage return, which become spaces like
/// every other space separator (Zs); CJK ideographs get spaces around them; then lowercasing and accent stripping
/// (canonical decomposition, marks of category Mn dropped).
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1's own BERT normaliser deletes tab, newline and carriage return as control characters,
/// gluing the words on either side together ("apple\nbanana" became one word and, past 100 characters, one [UNK]); it
/// keeps format characters; and it strips accents through <see cref="string.Normalize(NormalizationForm)"/>, which does
/// nothing under the invariant globalization this app runs with ("café" became [UNK]). This one replaces it.
/// Decomposition comes from <c>BertAccentTable.txt</c>, generated from Python's <c>unicodedata</c> by
/// <c>scripts/generate-bert-accent-table.py</c>, plus the formula for Hangul syllables.
/// </remarks>
internal sealed class BertBasicNormalizer(bool lowerCase, bool stripAccents, bool tokenizeCjk) : Normalizer
{
    private const int HangulFirst = 0xAC00;
    private const int HangulCount = 11172;
    private static readonly Lazy<Dictionary<int, string>> AccentTable = new(LoadAccentTable);

    /// <inheritdoc />
    public override string Normalize(string original) => Normalize(original.AsSpan());

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original)
    {
        var text = new StringBuilder(original.Length + 8);
        foreach (var rune in original.EnumerateRunes())
        {
            var value = rune.Value;
            var category = Rune.GetUnicodeCategory(rune);
            if (value is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator)
            {
                text.Append(' ');
            }
            else if (value is 0 or 0xFFFD || category is UnicodeCategory.Control or UnicodeCategory.Format)
            {
                // Dropped, as _clean_text drops them (a lone surrogate arrives here as U+FFFD).
            }
            else if (tokenizeCjk && IsCjkIdeograph(value))
            {
                Append(text.Append(' '), rune).Append(' ');
            }
            else
            {
                Append(text, rune);
            }
        }

        var normalized = lowerCase ? LowerCase(text.ToString()) : text.ToString();
        if (!stripAccents)
        {
            return normalized;
        }

        // Lowercase again: a few letters decompose to a capital (U+0130, capital I with a dot, which invariant casing
        // leaves alone, becomes I), where the reference had lowercased first with Python's full case mapping.
        var stripped = StripAccents(normalized);
        return lowerCase ? stripped.ToLowerInvariant() : stripped;
    }

    // Invariant casing maps one character to one; Python's str.lower(), which the reference uses, also writes a capital
    // sigma that ends a word as the final form, which the vocabulary spells differently.
    private static string LowerCase(string text)
    {
        var lower = text.ToLowerInvariant();
        if (!text.Contains('\u03A3', StringComparison.Ordinal))
        {
            return lower;
        }

        var chars = lower.ToCharArray();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u03A3' && IsCasedNeighbour(text, i, -1) && !IsCasedNeighbour(text, i, +1))
            {
                chars[i] = '\u03C2';
            }
        }

        return new string(chars);
    }

    // Whether the nearest character in that direction, past case-ignorable ones (marks, modifiers, format characters,
    // apostrophes), is a cased letter: Unicode's Final_Sigma condition.
    private static bool IsCasedNeighbour(string text, int index, int step)
    {
        for (var i = index + step; i >= 0 && i < text.Length; i += step)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(text[i]);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
                or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol || text[i] is '\'' or '\u2019' or '.' or ':' or '\u00B7')
            {
                continue;
            }

            return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;
        }

        return false;
    }

    /// <summary>The CJK ideograph blocks of BERT's <c>_is_chinese_char</c>; Hangul, kana and CJK punctuation are not among them.</summary>
    public static bool IsCjkIdeograph(int codePoint) => codePoint is
        (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F) or
        (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    private static string StripAccents(string text)
    {
        var table = AccentTable.Value;
        var stripped = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value - HangulFirst is >= 0 and < HangulCount)
            {
                // Unicode's algorithmic decomposition: leading consonant, vowel, and a trailing consonant unless none.
                var index = value - HangulFirst;
                stripped.Append((char)(0x1100 + (index / 588))).Append((char)(0x1161 + (index % 588 / 28)));
                if (index % 28 != 0)
                {
                    stripped.Append((char)(0x11A7 + (index % 28)));
                }
            }
            else if (table.TryGetValue(value, out var replacement))
            {
                stripped.Append(replacement);
            }
            else if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                Append(stripped, rune);
            }
        }

        return stripped.ToString();
    }

    private static StringBuilder Append(StringBuilder text, Rune rune) =>
        rune.IsBmp ? text.Append((char)rune.Value) : text.Append(char.ConvertFromUtf32(rune.Value));

    private static Dictionary<int, string> LoadAccentTable()
    {
        const string resource = "Strata.Models.Embeddings.BertAccentTable.txt";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The resource '{resource}' is missing from Strata.Models.");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var table = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var replacement = new StringBuilder();
            foreach (var code in line[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                replacement.Append(char.ConvertFromUtf32(int.Parse(code, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            table[int.Parse(line.AsSpan(0, equals), NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = replacement.ToString();
        }

        return table;
    }
}
