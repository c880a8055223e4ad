namespace Strata.Data.Filters;

/// <summary>
/// Orders strings as SQLite's BINARY collation orders their UTF-8 bytes, that is by code point. Ordinal UTF-16 order differs
/// where a surrogate pair (a code point above U+FFFF) meets a code unit from U+E000 to U+FFFF.
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Fixup(x[i]).CompareTo(Fixup(y[i]));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    // Moves surrogates above U+E000..U+FFFF, so code unit order becomes code point order.
    private static int Fixup(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
}
