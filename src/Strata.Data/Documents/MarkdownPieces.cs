namespace Strata.Data.Documents;

/// <summary>
/// Cuts a Markdown document into pieces that Markdig parses one at a time. Markdig builds a syntax tree of the whole
/// input at about 230 bytes of memory per byte for small blocks (9 MB of one-word paragraphs: 2.1 GB), and in time that
/// grows with nesting depth times indentation (9 MB of 130 nested list markers a line: 10 s and 1.6 GB; 4.5 MB of
/// lines indented by one more tab each: 37 s). Ingestion reads only the headings, so the document is parsed in pieces of
/// about <see cref="TargetLength"/> characters, each tree dropped before the next is built: memory stays that of one
/// piece and time grows linearly with the document.
/// </summary>
/// <remarks>
/// Written by hand: Markdig has no incremental mode. Once a piece has reached <see cref="TargetLength"/>, it ends where
/// CommonMark starts a new block whatever came before, outside fenced code: after a blank line, before a heading or a
/// list item in the first column (so a setext underline stays with its text). A document without such a line for
/// <see cref="MaxLength"/> characters is cut at a line end anyway, and a piece that starts inside a fence is parsed
/// behind a copy of its opening line, so code stays code.
/// </remarks>
internal static class MarkdownPieces
{
    /// <summary>The length after which a piece ends at the next line where a new block starts, outside a fence.</summary>
    public const int TargetLength = 256 * 1024;

    /// <summary>The longest piece: past it, a piece ends at the next line end, blank or not.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Pieces covering <paramref name="markdown"/> in order, without gaps.</summary>
    public static IEnumerable<MarkdownPiece> Split(string markdown)
    {
        var start = 0;
        string? openFence = null; // the opening line of the fenced code block the scan is in
        string? startFence = null; // the same, when the current piece began
        var previousBlank = false;
        var position = 0;
        while (position < markdown.Length)
        {
            var end = markdown.IndexOf('\n', position);
            var lineEnd = end < 0 ? markdown.Length : end;
            var length = position - start;
            // Cut before this line: always past the longest piece; past the target where CommonMark starts a new block
            // whatever came before (after a blank line, at a heading or list item in the first column), outside fences.
            if (length >= MaxLength
                || (length >= TargetLength && openFence is null && (previousBlank || StartsTopLevelBlock(markdown.AsSpan(position, lineEnd - position)))))
            {
                yield return new MarkdownPiece(markdown, start, length, startFence);
                start = position;
                startFence = openFence;
            }

            openFence = FenceAfter(markdown.AsSpan(position, lineEnd - position), openFence);
            previousBlank = markdown.AsSpan(position, lineEnd - position).IsWhiteSpace();
            position = lineEnd == markdown.Length ? lineEnd : lineEnd + 1;
        }

        if (start < markdown.Length || markdown.Length == 0)
        {
            yield return new MarkdownPiece(markdown, start, markdown.Length - start, startFence);
        }
    }

    // An ATX heading or a bullet or ordered list item in the first column: it ends any paragraph, list item or quote
    // before it, so cutting there loses no heading ("---" alone is not one: it may underline a setext heading).
    private static bool StartsTopLevelBlock(ReadOnlySpan<char> line)
    {
        if (line.IsEmpty)
        {
            return false;
        }

        if (line[0] == '#')
        {
            // "#tag" is paragraph text; a heading is one to six '#' and then a space or the line's end.
            var hashes = line.Length - line.TrimStart('#').Length;
            return hashes <= 6 && (hashes == line.Length || line[hashes] is ' ' or '\t');
        }

        var digits = 0;
        while (digits < line.Length && digits < 9 && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }

        var marker = digits > 0 ? (digits < line.Length && line[digits] is '.' or ')' ? digits + 1 : -1) : (line[0] is '-' or '*' or '+' ? 1 : -1);
        return marker > 0 && marker + 1 < line.Length && line[marker] is ' ' or '\t' && !char.IsWhiteSpace(line[marker + 1]);
    }

    // CommonMark fences: up to three spaces, then three or more backticks or tildes; the block ends at a line of the same
    // character, at least as many, and nothing else but spaces.
    private static string? FenceAfter(ReadOnlySpan<char> line, string? open)
    {
        var indent = 0;
        while (indent < line.Length && indent < 4 && line[indent] == ' ')
        {
            indent++;
        }

        if (indent > 3 || indent == line.Length || line[indent] is not ('`' or '~'))
        {
            return open;
        }

        var marker = line[indent];
        var run = 0;
        while (indent + run < line.Length && line[indent + run] == marker)
        {
            run++;
        }

        if (run < 3)
        {
            return open;
        }

        if (open is null)
        {
            // A backtick fence's info string may not hold a backtick.
            return marker == '`' && line[(indent + run)..].Contains('`') ? null : line.ToString();
        }

        var opening = open.TrimStart(' ');
        var openingRun = opening.Length - opening.TrimStart(opening[0]).Length;
        return opening[0] == marker && run >= openingRun && line[(indent + run)..].IsWhiteSpace() ? null : open;
    }
}

/// <summary>One piece of a Markdown document: <see cref="Text"/> is what Markdig parses, <see cref="Offset"/> maps its positions back.</summary>
/// <param name="Document">The whole document.</param>
/// <param name="Start">Where the piece starts in the document.</param>
/// <param name="Length">Its length in the document.</param>
/// <param name="Fence">The opening line of the fenced code block the piece starts in, if any.</param>
internal sealed record MarkdownPiece(string Document, int Start, int Length, string? Fence)
{
    /// <summary>The text to parse: the piece, behind its fence's opening line when it starts inside one.</summary>
    public string Text => Fence is null ? Document.Substring(Start, Length) : Fence + "\n" + Document.Substring(Start, Length);

    /// <summary>Add to a position in <see cref="Text"/> to get the document's position.</summary>
    public int Offset => Fence is null ? Start : Start - Fence.Length - 1;
}
