using System.Globalization;
using System.Text;

namespace Strata.Models.Llama;

/// <summary>
/// Translates a JSON Schema <c>pattern</c> written in a safe subset of regular expressions into a GBNF expression that
/// matches the inside of a JSON string (the text between the quotes, JSON-escaped). The subset: literals, escapes
/// (<c>\d \w \s \D \W \S</c>, escaped punctuation), <c>.</c>, character classes with ranges and negation, groups
/// (capturing or <c>(?:…)</c>) with alternation, and the quantifiers <c>? * + {m} {m,} {m,n}</c> (lazy forms too).
/// Anything else (anchors inside the pattern, back-references, look-arounds, word boundaries, Unicode classes, flags)
/// is refused, and the caller falls back to validating the finished answer.
/// </summary>
/// <remarks>
/// The expression is never looser than the pattern: characters are printable ASCII only, <c>\s</c> is a space, and an
/// unanchored pattern is generated as if anchored (a string that is one match of the pattern also contains one).
/// Unbounded quantifiers are capped at <c>cap</c> repetitions, so a weak model cannot write forever inside a string.
/// </remarks>
internal sealed class RegexToGbnf
{
    private const int Printable = 0x20;
    private const int Last = 0x7E;

    private readonly string _pattern;
    private readonly int _cap;
    private readonly Func<string, string, string> _define;
    private int _pos;

    private RegexToGbnf(string pattern, int cap, Func<string, string, string> define)
    {
        _pattern = pattern;
        _cap = cap;
        _define = define;
    }

    /// <summary>A translated pattern: the expression and the fewest and most characters it matches.</summary>
    internal sealed record Translation(string Expression, int MinLength, int MaxLength);

    /// <summary>
    /// Translates <paramref name="pattern"/>, or returns null when it is outside the subset. <paramref name="minLength"/>
    /// and <paramref name="maxLength"/> bound the string; they are folded into the pattern when it is one repeated
    /// character class between fixed parts (<c>^[a-z]+$</c>, <c>^[A-Z][a-z]*$</c>), the common case.
    /// </summary>
    /// <param name="pattern">The schema's pattern.</param>
    /// <param name="minLength">The string's minLength (0 when none).</param>
    /// <param name="maxLength">The string's maxLength (the grammar's string limit when none).</param>
    /// <param name="cap">The most repetitions an unbounded quantifier gets.</param>
    /// <param name="define">Adds a rule (name, body) to the grammar being built and returns the name it got.</param>
    public static Translation? TryTranslate(string pattern, int minLength, int maxLength, int cap, Func<string, string, string> define)
    {
        if (pattern.Length > 500)
        {
            return null;
        }

        var body = pattern;
        if (body.StartsWith('^'))
        {
            body = body[1..];
        }

        if (body.EndsWith('$') && !body.EndsWith("\\$", StringComparison.Ordinal))
        {
            body = body[..^1];
        }

        try
        {
            var translator = new RegexToGbnf(body, Math.Max(1, cap), define);
            var node = translator.ParseAlternation();
            if (translator._pos != body.Length)
            {
                return null;
            }

            node = FoldLengths(node, minLength, maxLength);
            var (min, max) = node.Lengths();
            if (max < minLength || min > maxLength || (node is Sequence { Parts.Count: 0 } && minLength > 0))
            {
                return null;
            }

            return new Translation(node.Render(translator), min, max);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // When exactly one part of a top-level sequence varies and it is a repeated single character, the string's length
    // bounds become that part's repetition bounds, so the grammar enforces both keywords at once.
    private static Node FoldLengths(Node node, int minLength, int maxLength)
    {
        var parts = node is Sequence sequence ? sequence.Parts : [node];
        var varying = parts.Where(part => part.Lengths().Min != part.Lengths().Max).ToList();
        if (varying.Count != 1 || varying[0] is not Repeat { Item: CharSet } repeat)
        {
            return node;
        }

        var fixedLength = parts.Where(part => !ReferenceEquals(part, repeat)).Sum(part => part.Lengths().Min);
        var min = Math.Max(repeat.Min, minLength - fixedLength);
        var max = Math.Min(repeat.Max, maxLength - fixedLength);
        if (min > max || max < 0)
        {
            return node;
        }

        var folded = repeat with { Min = Math.Max(0, min), Max = max };
        return new Sequence(parts.Select(part => ReferenceEquals(part, repeat) ? folded : part).ToList());
    }

    private Node ParseAlternation()
    {
        var options = new List<Node> { ParseSequence() };
        while (Peek('|'))
        {
            _pos++;
            options.Add(ParseSequence());
        }

        return options.Count == 1 ? options[0] : new Choice(options);
    }

    private Node ParseSequence()
    {
        var parts = new List<Node>();
        while (_pos < _pattern.Length && _pattern[_pos] is not ('|' or ')'))
        {
            var atom = ParseAtom();
            parts.Add(ParseQuantifier(atom));
        }

        return parts.Count == 1 ? parts[0] : new Sequence(parts);
    }

    private Node ParseAtom()
    {
        var c = _pattern[_pos++];
        switch (c)
        {
            case '(':
                if (Peek('?'))
                {
                    if (_pos + 1 < _pattern.Length && _pattern[_pos + 1] == ':')
                    {
                        _pos += 2;
                    }
                    else
                    {
                        throw new FormatException("look-arounds and named groups are outside the subset");
                    }
                }

                var inner = ParseAlternation();
                Expect(')');
                return new Group(inner);
            case '[':
                return ParseClass();
            case '.':
                return CharSet.Range(Printable, Last);
            case '\\':
                return ParseEscape(inClass: false);
            case '^' or '$' or '*' or '+' or '?' or '{' or '}' or ']':
                throw new FormatException($"'{c}' where a character was expected");
            default:
                return CharSet.Of(c);
        }
    }

    private Node ParseQuantifier(Node atom)
    {
        if (_pos >= _pattern.Length)
        {
            return atom;
        }

        int min, max;
        switch (_pattern[_pos])
        {
            case '?':
                (min, max) = (0, 1);
                _pos++;
                break;
            case '*':
                (min, max) = (0, _cap);
                _pos++;
                break;
            case '+':
                (min, max) = (1, _cap);
                _pos++;
                break;
            case '{':
                var close = _pattern.IndexOf('}', _pos);
                if (close < 0)
                {
                    throw new FormatException("an unclosed '{'");
                }

                var bounds = _pattern[(_pos + 1)..close].Split(',');
                min = ReadCount(bounds[0]);
                max = bounds.Length == 1 ? min : bounds[1].Length == 0 ? Math.Max(min, _cap) : ReadCount(bounds[1]);
                if (bounds.Length > 2 || min > max || max > JsonSchemaToGbnf.MaxRepetition)
                {
                    throw new FormatException("repetition bounds outside the subset");
                }

                _pos = close + 1;
                break;
            default:
                return atom;
        }

        // A lazy quantifier matches the same strings; a possessive one is not .NET syntax.
        if (Peek('?'))
        {
            _pos++;
        }

        if (_pos < _pattern.Length && _pattern[_pos] is '*' or '+' or '?' or '{')
        {
            throw new FormatException("a quantifier of a quantifier");
        }

        return new Repeat(atom, min, max);
    }

    private static int ReadCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : throw new FormatException("a repetition count");

    private CharSet ParseClass()
    {
        var negated = Peek('^');
        if (negated)
        {
            _pos++;
        }

        var set = new bool[128];
        var first = true;
        while (_pos < _pattern.Length && (_pattern[_pos] != ']' || first))
        {
            first = false;
            var from = ClassMember();
            if (from is CharSet multiple)
            {
                multiple.AddTo(set);
                continue;
            }

            var low = (char)from!;
            if (_pos + 1 < _pattern.Length && _pattern[_pos] == '-' && _pattern[_pos + 1] != ']')
            {
                _pos++;
                var to = ClassMember() as char? ?? throw new FormatException("a range ending in a class");
                if (to < low)
                {
                    throw new FormatException("a reversed range");
                }

                for (var ch = low; ch <= to && ch < 128; ch++)
                {
                    set[ch] = true;
                }
            }
            else if (low < 128)
            {
                set[low] = true;
            }
        }

        Expect(']');
        var result = new CharSet(set);
        return negated ? result.Complement() : result;
    }

    // One member of a character class: a character (as a char) or an escaped class (as a CharSet).
    private object ClassMember()
    {
        var c = _pattern[_pos++];
        if (c == '[')
        {
            throw new FormatException("nested classes are outside the subset");
        }

        if (c != '\\')
        {
            return c;
        }

        var escaped = ParseEscape(inClass: true);
        return escaped.Single is { } single ? single : escaped;
    }

    private CharSet ParseEscape(bool inClass)
    {
        if (_pos >= _pattern.Length)
        {
            throw new FormatException("a pattern ending in '\\'");
        }

        var c = _pattern[_pos++];
        return c switch
        {
            'd' => CharSet.Range('0', '9'),
            'D' => CharSet.Range('0', '9').Complement(),
            'w' => Word(),
            'W' => Word().Complement(),
            // Only a space: tabs and newlines would be JSON escapes, and a stricter grammar is still a correct one.
            's' => CharSet.Of(' '),
            'S' => CharSet.Of(' ').Complement(),
            'b' when inClass => throw new FormatException("backspace in a class"),
            _ when char.IsAsciiLetterOrDigit(c) => throw new FormatException($"'\\{c}' is outside the subset"),
            _ when c < 128 => CharSet.Of(c),
            _ => throw new FormatException("a non-ASCII escape"),
        };

        static CharSet Word()
        {
            var set = new bool[128];
            foreach (var ch in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
            {
                set[ch] = true;
            }

            return new CharSet(set);
        }
    }

    private bool Peek(char c) => _pos < _pattern.Length && _pattern[_pos] == c;

    private void Expect(char c)
    {
        if (!Peek(c))
        {
            throw new FormatException($"'{c}' expected");
        }

        _pos++;
    }

    private abstract record Node
    {
        public abstract (int Min, int Max) Lengths();

        public abstract string Render(RegexToGbnf owner);
    }

    // A set of printable ASCII characters; others never appear (non-ASCII would need \u escapes, control characters too).
    private sealed record CharSet(bool[] Members) : Node
    {
        public static CharSet Of(char c)
        {
            var set = new bool[128];
            if (c is >= (char)Printable and <= (char)Last)
            {
                set[c] = true;
            }

            return new CharSet(set);
        }

        public static CharSet Range(int from, int to)
        {
            var set = new bool[128];
            for (var c = from; c <= to; c++)
            {
                set[c] = true;
            }

            return new CharSet(set);
        }

        public char? Single => Members.Count(m => m) == 1 ? (char)Array.IndexOf(Members, true) : null;

        public CharSet Complement()
        {
            var set = new bool[128];
            for (var c = Printable; c <= Last; c++)
            {
                set[c] = !Members[c];
            }

            return new CharSet(set);
        }

        public void AddTo(bool[] set)
        {
            for (var c = 0; c < 128; c++)
            {
                set[c] |= Members[c];
            }
        }

        public override (int Min, int Max) Lengths() => (1, 1);

        public override string Render(RegexToGbnf owner)
        {
            var plain = new StringBuilder();
            var alternatives = new List<string>();
            for (var c = Printable; c <= Last; c++)
            {
                if (!Members[c])
                {
                    continue;
                }

                // Inside a JSON string a quote and a backslash are written escaped.
                if (c is '"' or '\\')
                {
                    alternatives.Add(c == '"' ? "\"\\\\\\\"\"" : "\"\\\\\\\\\"");
                    continue;
                }

                var start = c;
                while (c + 1 <= Last && Members[c + 1] && c + 1 is not ('"' or '\\'))
                {
                    c++;
                }

                plain.Append(Hex(start));
                if (c > start)
                {
                    plain.Append('-').Append(Hex(c));
                }
            }

            if (plain.Length > 0)
            {
                alternatives.Insert(0, $"[{plain}]");
            }

            if (alternatives.Count == 0)
            {
                throw new FormatException("a class that matches no printable ASCII character");
            }

            return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
        }

        private static string Hex(int c) => char.IsAsciiLetterOrDigit((char)c) ? ((char)c).ToString() : $"\\x{c:X2}";
    }

    private sealed record Sequence(List<Node> Parts) : Node
    {
        public override (int Min, int Max) Lengths() =>
            (Parts.Sum(part => part.Lengths().Min), (int)Math.Min(int.MaxValue, Parts.Sum(part => (long)part.Lengths().Max)));

        // GBNF has no empty expression to give: an empty pattern (or group) is left to validation.
        public override string Render(RegexToGbnf owner) =>
            Parts.Count == 0 ? throw new FormatException("an empty pattern") : "(" + string.Join(" ", Parts.Select(part => part.Render(owner))) + ")";
    }

    private sealed record Choice(List<Node> Options) : Node
    {
        public override (int Min, int Max) Lengths() => (Options.Min(o => o.Lengths().Min), Options.Max(o => o.Lengths().Max));

        public override string Render(RegexToGbnf owner)
        {
            // An empty alternative makes the rest optional: GBNF alternatives are never empty here.
            var filled = Options.Where(option => option is not Sequence { Parts.Count: 0 }).Select(option => option.Render(owner)).ToList();
            if (filled.Count == 0)
            {
                throw new FormatException("a choice of empty alternatives");
            }

            var choice = "(" + string.Join(" | ", filled) + ")";
            return filled.Count == Options.Count ? choice : choice + "?";
        }
    }

    private sealed record Group(Node Inner) : Node
    {
        public override (int Min, int Max) Lengths() => Inner.Lengths();

        public override string Render(RegexToGbnf owner) => Inner.Render(owner);
    }

    private sealed record Repeat(Node Item, int Min, int Max) : Node
    {
        public override (int Min, int Max) Lengths() =>
            (Min * Item.Lengths().Min, (int)Math.Min(int.MaxValue, (long)Max * Item.Lengths().Max));

        public override string Render(RegexToGbnf owner)
        {
            if (Max == 0)
            {
                throw new FormatException("a repetition of zero");
            }

            // Anything larger than one character class repeats through a rule of its own: llama.cpp counts every rule a
            // repeated group names against its repetition limit.
            var item = Item is CharSet set ? set.Render(owner) : owner._define("pattern-part", Item.Render(owner));
            return (Min, Max) switch
            {
                (0, 1) => item + "?",
                _ => $"{item}{{{Min},{Max}}}",
            };
        }
    }
}
