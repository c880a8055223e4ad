using System.Text;

namespace Strata.Data.Documents;

/// <summary>Decodes the bytes of text formats and recognises bytes that are not text at all.</summary>
internal static class TextContent
{
    // Enough to judge a file the way `file` and git do: binary formats show NUL or control bytes early.
    private const int SampleBytes = 8192;

    /// <summary>Why <paramref name="content"/> is not text, or null when it is.</summary>
    public static string? BinaryReason(ReadOnlySpan<byte> content)
    {
        if (HasUtf16ByteOrderMark(content))
        {
            return null;
        }

        var sample = content[..Math.Min(content.Length, SampleBytes)];
        var controls = 0;
        foreach (var b in sample)
        {
            if (b == 0)
            {
                return "binary content: the file contains NUL bytes, so it is not a text file";
            }

            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
            {
                controls++;
            }
        }

        // Text has almost no control characters; compressed or executable data has about one byte in eight.
        return controls * 20 > sample.Length
            ? "binary content: the file is mostly control bytes, so it is not a text file"
            : null;
    }

    /// <summary>The text in <paramref name="content"/>: UTF-16 when it carries that byte-order mark, UTF-8 otherwise.</summary>
    public static string Decode(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(content[2..]);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(content[2..]);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
        }

        // Invalid sequences become U+FFFD rather than failing: a stray Latin-1 byte should not lose a whole document.
        return Encoding.UTF8.GetString(content);
    }

    private static bool HasUtf16ByteOrderMark(ReadOnlySpan<byte> content) =>
        content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
}
