using System.Text.RegularExpressions;
using Strata.Core;

namespace Strata.Data.Documents;

/// <summary>
/// Splits documents into chunks that fit the embedding model: each section on its own (a chunk never spans two
/// headings or pages), cut at the coarsest boundary that works — paragraph, then line, then sentence, then word —
/// and packed greedily up to the token budget, each chunk repeating the last few tokens of the one before.
/// </summary>
public sealed partial class RecursiveChunker
{
    // Coarsest first; each separator stays with the text before it, so pieces tile the section without gaps.
    private static readonly Regex[] Separators = [ParagraphBreak(), LineBreak(), SentenceEnd(), WordBreak()];

    private readonly ITokenCounter tokenCounter;
    private readonly ChunkingOptions options;

    /// <summary>Creates a chunker that measures with <paramref name="tokenCounter"/>.</summary>
    public RecursiveChunker(ITokenCounter tokenCounter, ChunkingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenCounter);
        this.tokenCounter = tokenCounter;
        this.options = options ?? new ChunkingOptions();
        this.options.Validate();
    }

    /// <summary>The chunks of <paramref name="document"/>, in document order.</summary>
    public IReadOnlyList<DocumentChunk> Chunk(LoadedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var chunks = new List<DocumentChunk>();
        foreach (var section in document.Sections)
        {
            ChunkSection(document, section, chunks);
        }

        return chunks;
    }

    private void ChunkSection(LoadedDocument document, DocumentSection section, List<DocumentChunk> chunks)
    {
        var text = document.Text;
        var header = options.ContextHeaders ? ContextHeader(document.Title, section.HeadingPath) : null;
        var maxTokens = options.MaxTokens - (header is null ? 0 : tokenCounter.CountTokens(header));
        // A header that would crowd out the text is left off: the chunk's own words matter more than its address.
        if (maxTokens < options.MaxTokens * 3 / 4 || maxTokens <= options.OverlapTokens * 2)
        {
            (header, maxTokens) = (null, options.MaxTokens);
        }

        var pieces = new List<Piece>();
        // Pieces leave room for the overlap, so a full piece plus the previous chunk's tail still fits.
        Split(text, section.StartOffset, section.EndOffset, maxTokens - options.OverlapTokens, 0, pieces);
        var i = 0;
        int? overlapStart = null;
        while (i < pieces.Count)
        {
            var start = overlapStart ?? pieces[i].Start;
            var estimate = pieces[i].Tokens + (overlapStart is { } o ? Count(text, o, pieces[i].Start) : 0);
            var next = i + 1;
            while (next < pieces.Count && estimate + pieces[next].Tokens <= maxTokens)
            {
                estimate += pieces[next].Tokens;
                next++;
            }

            // Word pieces add up across whitespace almost exactly, but not always (normalisation at the joins): the
            // estimate picks the pieces, the real count decides.
            var (chunkStart, chunkEnd, tokens) = Measure(text, start, pieces[next - 1].End);
            while (tokens > maxTokens && next > i + 1)
            {
                next--;
                (chunkStart, chunkEnd, tokens) = Measure(text, start, pieces[next - 1].End);
            }

            if (tokens > maxTokens)
            {
                (chunkStart, chunkEnd, tokens) = Measure(text, pieces[i].Start, pieces[next - 1].End);
            }

            if (chunkEnd > chunkStart)
            {
                chunks.Add(new DocumentChunk(document.Source, chunks.Count, text[chunkStart..chunkEnd], chunkStart, chunkEnd,
                    tokens, section.PageNumber, section.HeadingPath, header));
            }

            i = next;
            overlapStart = options.OverlapTokens > 0 && i < pieces.Count ? OverlapStart(text, chunkStart, chunkEnd) : null;
        }
    }

    /// <summary>
    /// A chunk's context header: the document title, then each heading the title does not already contain (an HTML page's first heading usually
    /// repeats its title), joined by " > "; null when there is neither.
    /// </summary>
    public static string? ContextHeader(string? title, IReadOnlyList<string> headingPath)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(title))
        {
            parts.Add(title.Trim());
        }

        foreach (var heading in headingPath.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            if (!parts.Any(p => p.Contains(heading, StringComparison.OrdinalIgnoreCase)))
            {
                parts.Add(heading);
            }
        }

        return parts.Count == 0 ? null : string.Join(" > ", parts);
    }

    /// <summary>Cuts [start, end) into pieces of at most <paramref name="budget"/> tokens, from separator <paramref name="level"/> down.</summary>
    private void Split(string text, int start, int end, int budget, int level, List<Piece> pieces)
    {
        var tokens = Count(text, start, end);
        if (tokens <= budget)
        {
            pieces.Add(new Piece(start, end, tokens));
            return;
        }

        for (var l = level; l < Separators.Length; l++)
        {
            var cuts = Cuts(text, start, end, Separators[l]);
            if (cuts.Count == 0)
            {
                continue;
            }

            var from = start;
            foreach (var cut in cuts.Append(end))
            {
                Split(text, from, cut, budget, l + 1, pieces);
                from = cut;
            }

            return;
        }

        SplitCharacters(text, start, end, budget, pieces);
    }

    /// <summary>The last resort for a run without any whitespace (a long URL, a base64 blob): the longest prefixes that fit.</summary>
    private void SplitCharacters(string text, int start, int end, int budget, List<Piece> pieces)
    {
        while (start < end)
        {
            int low = start + 1, high = end;
            // Gallop first: the search's upper end grows from one budget of characters, doubling, so each piece costs
            // counts over about its own length rather than over the rest of the run. Searching the whole rest made a
            // 200 KB run of punctuation (a token per character) take minutes.
            for (var step = Math.Max(1, budget); start + step < end; step *= 2)
            {
                if (Count(text, start, start + step) > budget)
                {
                    high = start + step - 1;
                    break;
                }

                low = Math.Max(low, start + step);
            }

            while (low < high)
            {
                var middle = (low + high + 1) / 2;
                if (Count(text, start, middle) <= budget)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            // Never leave half of a surrogate pair on either side.
            if (low < end && char.IsLowSurrogate(text[low]) && low - 1 > start)
            {
                low--;
            }

            pieces.Add(new Piece(start, low, Count(text, start, low)));
            start = low;
        }
    }

    private static List<int> Cuts(string text, int start, int end, Regex separator)
    {
        var cuts = new List<int>();
        foreach (var match in separator.EnumerateMatches(text.AsSpan(start, end - start)))
        {
            var cut = start + match.Index + match.Length;
            if (cut > start && cut < end && match.Index > 0)
            {
                cuts.Add(cut);
            }
        }

        return cuts;
    }

    /// <summary>Where the next chunk starts: the earliest word start in the chunk whose tail still fits the overlap.</summary>
    private int? OverlapStart(string text, int chunkStart, int chunkEnd)
    {
        int? best = null;
        var position = chunkEnd;
        while (true)
        {
            var wordStart = position - 1;
            while (wordStart > chunkStart && char.IsWhiteSpace(text[wordStart]))
            {
                wordStart--;
            }

            while (wordStart > chunkStart && !char.IsWhiteSpace(text[wordStart - 1]))
            {
                wordStart--;
            }

            if (wordStart <= chunkStart || Count(text, wordStart, chunkEnd) > options.OverlapTokens)
            {
                return best;
            }

            best = wordStart;
            position = wordStart;
        }
    }

    private (int Start, int End, int Tokens) Measure(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end, Count(text, start, end));
    }

    private int Count(string text, int start, int end) => end <= start ? 0 : tokenCounter.CountTokens(text[start..end]);

    private readonly record struct Piece(int Start, int End, int Tokens);

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"\n\s*")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"(?<=[.!?;:])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WordBreak();
}
