using System.Globalization;
using System.Text;

namespace Strata.Data.Collections;

/// <summary>
/// Collection names and the file names the embedded store keeps them under. A name may hold nearly any character (the
/// Microsoft.Extensions.VectorData conformance suite uses names with dots, spaces and more); the file name keeps letters,
/// digits, '_' and '-' as they are and writes every other character as '%' and the hex of its UTF-8 bytes, so no name can
/// reach outside the data folder, two names never share a file, and the names of existing collections map to themselves.
/// </summary>
public static class CollectionNames
{
    /// <summary>The longest name, in UTF-16 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The longest file stem a name may need (file systems allow 255 bytes; suffixes such as <c>.db-wal</c> need room).</summary>
    public const int MaxFileStemLength = 200;

    /// <summary>Why <paramref name="name"/> cannot name a collection, or null when it can.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a name is required";
        }

        if (name.Length > MaxLength)
        {
            return $"longer than {MaxLength} characters";
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "path separators ('/', '\\') are not allowed";
        }

        if (name == "." || name.Contains("..", StringComparison.Ordinal))
        {
            return "'.' alone and '..' are not allowed";
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]))
            {
                return "control characters are not allowed";
            }

            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                return "it is not valid UTF-16 (a lone surrogate)";
            }
        }

        return FileStem(name).Length > MaxFileStemLength ? $"too long once written as a file name (over {MaxFileStemLength} characters)" : null;
    }

    /// <summary>The file name (without extension) the embedded store keeps collection <paramref name="name"/> under.</summary>
    public static string FileStem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var stem = new StringBuilder(name.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or '-'))
            {
                stem.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                stem.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return stem.ToString();
    }

    /// <summary>The collection name a file stem stands for; null when the stem is not one <see cref="FileStem"/> writes.</summary>
    public static string? FromFileStem(string stem)
    {
        ArgumentNullException.ThrowIfNull(stem);
        var bytes = new List<byte>(stem.Length);
        for (var i = 0; i < stem.Length; i++)
        {
            if (stem[i] == '%' && i + 2 < stem.Length
                && byte.TryParse(stem.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                bytes.Add(value);
                i += 2;
            }
            else if (stem[i] < 128)
            {
                bytes.Add((byte)stem[i]);
            }
            else
            {
                return null;
            }
        }

        string name;
        try
        {
            name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        // Only the canonical spelling counts: other files in the folder (a copy named "a.b.db") are not collections.
        return Problem(name) is null && FileStem(name) == stem ? name : null;
    }

    /// <summary>The name as an error message may show it: control characters escaped, cut to a readable length.</summary>
    public static string Shown(string? name)
    {
        if (name is null)
        {
            return "";
        }

        var shown = new StringBuilder();
        foreach (var c in name.Length > 80 ? name[..80] : name)
        {
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        }

        return name.Length > 80 ? shown + "…" : shown.ToString();
    }
}
