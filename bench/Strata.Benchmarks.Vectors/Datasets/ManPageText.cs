using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Benchmarks.Vectors.Datasets;

/// <summary>
/// The running prose of a manual page written in troff with the man(7) macros: paragraphs of plain text, without
/// requests, font changes, escapes, comments, synopses, code displays or tables.
/// </summary>
/// <remarks>
/// Not a troff renderer: it keeps what a reader would take for sentences and drops what is layout or code. Font macros
/// (<c>.B</c>, <c>.BR</c> …) carry words of the surrounding sentence, so their arguments are kept; a <c>.TP</c> tag
/// (the term being described) becomes a paragraph of its own so it does not run into the description.
/// </remarks>
public static partial class ManPageText
{
    // Macros whose arguments are words set in alternating fonts with no space between them.
    private static readonly HashSet<string> AlternatingFonts = new(StringComparer.Ordinal) { "BR", "RB", "BI", "IB", "IR", "RI" };

    // Macros whose arguments are words set in one font (space-separated).
    private static readonly HashSet<string> SingleFonts = new(StringComparer.Ordinal) { "B", "I", "SM", "SB" };

    // Displays whose lines are code, examples or tables rather than prose: start request → end request.
    private static readonly Dictionary<string, string> Displays = new(StringComparer.Ordinal) { ["nf"] = "fi", ["EX"] = "EE", ["TS"] = "TE", ["EQ"] = "EN", ["de"] = "." };

    // Sections that are code or boilerplate rather than prose.
    private static readonly HashSet<string> SkippedSections = new(StringComparer.OrdinalIgnoreCase) { "SYNOPSIS", "COLOPHON" };

    /// <summary>The prose paragraphs of <paramref name="troff"/>, each on one line with single spaces; empty for a <c>.so</c> link page.</summary>
    public static IReadOnlyList<string> Paragraphs(string troff)
    {
        ArgumentNullException.ThrowIfNull(troff);
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        string? displayEnd = null;
        var skippingSection = false;
        var tagPending = false;

        void Flush()
        {
            var text = Whitespace().Replace(current.ToString(), " ").Trim();
            if (text.Length > 0)
            {
                paragraphs.Add(text);
            }

            current.Clear();
        }

        foreach (var line in LogicalLines(troff))
        {
            var isRequest = line.StartsWith('.') || line.StartsWith('\'');
            var (name, arguments) = isRequest ? SplitRequest(line) : ("", "");
            if (displayEnd is not null)
            {
                if (isRequest && name == displayEnd)
                {
                    displayEnd = null;
                }

                continue;
            }

            if (isRequest && name == "so")
            {
                // A link page: its whole content is another page, read under that page's own name.
                return [];
            }

            if (isRequest && name is "SH" or "SS")
            {
                Flush();
                tagPending = false;
                if (name == "SH")
                {
                    skippingSection = SkippedSections.Contains(Unquote(arguments));
                }

                continue;
            }

            if (skippingSection)
            {
                continue;
            }

            if (isRequest && Displays.TryGetValue(name, out var end))
            {
                Flush();
                displayEnd = end;
                continue;
            }

            string? text = null;
            if (!isRequest)
            {
                text = line;
            }
            else if (AlternatingFonts.Contains(name))
            {
                text = string.Concat(Arguments(arguments));
            }
            else if (SingleFonts.Contains(name))
            {
                text = string.Join(' ', Arguments(arguments));
            }
            else
            {
                // Every other request or macro (.PP, .TP, .IP, .RS, .br, .sp, .in, comments …) breaks the paragraph.
                Flush();
                tagPending = name is "TP" or "TQ";
                if (name is "IP" && Arguments(arguments).FirstOrDefault() is { Length: > 0 } tag)
                {
                    // ".IP tag indent": the tag is a term or a bullet, not part of the paragraph that follows.
                    current.Append(Unescape(tag));
                    Flush();
                }

                continue;
            }

            current.Append(' ').Append(Unescape(text));
            if (tagPending)
            {
                Flush();
                tagPending = false;
            }
        }

        Flush();
        return paragraphs;
    }

    // Physical lines with troff's line continuation (a trailing backslash) joined, and comment lines dropped.
    private static IEnumerable<string> LogicalLines(string troff)
    {
        var pending = new StringBuilder();
        foreach (var raw in troff.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = StripComment(raw);
            if (line.EndsWith('\\') && !line.EndsWith(@"\\", StringComparison.Ordinal))
            {
                pending.Append(line, 0, line.Length - 1);
                continue;
            }

            pending.Append(line);
            var logical = pending.ToString();
            pending.Clear();
            // ".\"" lines are comments; a bare "." is an empty request.
            if (logical.Trim() is "." or "'")
            {
                continue;
            }

            yield return logical;
        }

        if (pending.Length > 0)
        {
            yield return pending.ToString();
        }
    }

    // \" starts a comment that runs to the end of the line (\\" is an escaped backslash followed by a quote).
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '\\')
            {
                if (line[i + 1] is '"' or '#')
                {
                    return line[..i];
                }

                i++;
            }
        }

        return line;
    }

    private static (string Name, string Arguments) SplitRequest(string line)
    {
        var body = line[1..].TrimStart();
        var space = body.IndexOfAny([' ', '\t']);
        return space < 0 ? (body, "") : (body[..space], body[(space + 1)..].Trim());
    }

    /// <summary>Macro arguments: space-separated, double quotes group words (a doubled quote inside is a literal one).</summary>
    private static List<string> Arguments(string arguments)
    {
        var result = new List<string>();
        var i = 0;
        while (i < arguments.Length)
        {
            while (i < arguments.Length && arguments[i] is ' ' or '\t')
            {
                i++;
            }

            if (i >= arguments.Length)
            {
                break;
            }

            var word = new StringBuilder();
            if (arguments[i] == '"')
            {
                i++;
                while (i < arguments.Length)
                {
                    if (arguments[i] == '"')
                    {
                        if (i + 1 < arguments.Length && arguments[i + 1] == '"')
                        {
                            word.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    word.Append(arguments[i++]);
                }
            }
            else
            {
                while (i < arguments.Length && arguments[i] is not (' ' or '\t'))
                {
                    word.Append(arguments[i++]);
                }
            }

            result.Add(word.ToString());
        }

        return result;
    }

    private static string Unquote(string arguments) => string.Join(' ', Arguments(arguments));

    /// <summary>Plain text for troff's escapes: font and size changes vanish, special characters become their Unicode form.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escape().Replace(text, match =>
        {
            var value = match.Value;
            return value[1] switch
            {
                '(' => SpecialCharacter(value[2..4]),
                '[' => SpecialCharacter(value[2..^1]),
                '-' => "-",
                'e' or '\\' => "\\",
                '~' or ' ' or '0' => " ",
                '.' => ".",
                '\'' => "'",
                '`' => "`",
                // \f font changes, \s size changes, \* strings, \& \c \% \| \^ \: zero-width marks.
                _ => "",
            };
        });
    }

    private static string SpecialCharacter(string name) => name switch
    {
        "em" => "—",
        "en" => "–",
        "hy" or "mi" or "di" => "-",
        "aq" => "'",
        "dq" => "\"",
        "lq" => "“",
        "rq" => "”",
        "oq" => "‘",
        "cq" => "’",
        "bu" => "•",
        "co" => "©",
        "rg" => "®",
        "tm" => "™",
        "de" => "°",
        "+-" => "±",
        "mu" => "×",
        "<=" => "≤",
        ">=" => "≥",
        "!=" => "≠",
        "->" => "→",
        "<-" => "←",
        "ti" or "ap" => "~",
        "ha" or "a^" => "^",
        "rs" => "\\",
        "ga" => "`",
        "sl" => "/",
        "ba" or "or" => "|",
        _ => "",
    };

    // Escapes in the order troff reads them: named characters, fonts/sizes/strings with their arguments, single-character ones.
    [GeneratedRegex(@"\\(\([^\s]{2}|\[[^\]]*\]|[fF](\[[^\]]*\]|\(..|.)|s[+-]?(\d|\(\d\d|\[\d+\])|\*(\[[^\]]*\]|\(..|.)|[nmgkY](\[[^\]]*\]|\(..|.)|[-e\\~ 0.'`&c%|^:/,!dur{}]|$)")]
    private static partial Regex Escape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
