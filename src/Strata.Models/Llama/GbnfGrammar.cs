using System.Globalization;

namespace Strata.Models.Llama;

/// <summary>
/// The managed check every grammar passes before llama.cpp sees it. It reads GBNF the way llama.cpp's parser
/// (<c>llama-grammar.cpp</c>) does: rules <c>name ::= alternatives</c> ending at a newline (except inside parentheses
/// or after <c>|</c>), names of ASCII letters, digits and dashes, <c>"literals"</c> and <c>[classes]</c> with their
/// escapes, groups, <c>.</c>, and the quantifiers <c>? * + {m} {m,} {m,n}</c>. It refuses what that parser refuses:
/// a syntax error, a rule used but never defined, no root rule, and a repetition past llama.cpp's threshold. One pass,
/// linear in the grammar's length.
/// </summary>
/// <remarks>
/// A refused grammar makes llama.cpp's <c>llama_sampler_init_grammar</c> return NULL, which LLamaSharp 0.30.0 adds to the
/// sampler chain unchecked and which then crashes the process on the first sampled token. This check turns that into
/// a managed exception that names the rule at fault; <see cref="NativeGrammarCheck"/> backs it up with llama.cpp's own parse.
/// </remarks>
internal sealed class GbnfGrammar
{
    /// <summary>
    /// llama.cpp's <c>MAX_REPETITION_THRESHOLD</c>: a count in <c>{m,n}</c> above it is refused, and so is a repetition
    /// whose count times the rules it repeats reaches it.
    /// </summary>
    public const int RepetitionThreshold = 2000;

    private readonly string _text;
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.Ordinal);

    // llama.cpp numbers every distinct name, every group and every optional copy a repetition creates; how many a group
    // created is what its repetition multiplies, so the count is kept exactly as llama.cpp keeps it.
    private long _symbolCount;
    private int _pos;
    private string _rule = "";

    private GbnfGrammar(string text) => _text = text;

    /// <summary>Checks <paramref name="grammar"/>; returns quietly when llama.cpp's parser would accept it.</summary>
    /// <exception cref="LlamaGrammarException">The grammar has a syntax error, an undefined rule, no root rule or a repetition llama.cpp refuses.</exception>
    public static void Validate(string grammar, string root = "root")
    {
        ArgumentNullException.ThrowIfNull(grammar);
        new GbnfGrammar(grammar).Check(root);
    }

    private void Check(string root)
    {
        var nul = _text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            _pos = nul;
            throw Error("a NUL character would end the grammar early in native code");
        }

        _pos = SkipSpace(0, newlineOk: true);
        while (_pos < _text.Length)
        {
            ParseRule();
        }

        if (!_symbols.TryGetValue(root, out var rootSymbol) || !rootSymbol.Defined)
        {
            throw new LlamaGrammarException($"invalid grammar: it has no '{root}' rule to start from");
        }

        foreach (var (name, symbol) in _symbols)
        {
            if (!symbol.Defined)
            {
                throw new LlamaGrammarException($"invalid grammar: rule '{symbol.FirstUser}' refers to '{name}', which is never defined");
            }
        }
    }

    private void ParseRule()
    {
        var name = ParseName("a rule name");
        _rule = name;
        _pos = SkipSpace(_pos, newlineOk: false);
        if (string.CompareOrdinal(_text, _pos, "::=", 0, 3) != 0)
        {
            throw Error("expected '::=' after the rule name");
        }

        var symbol = Intern(name, user: null);
        if (symbol.Defined)
        {
            throw Error($"rule '{name}' is defined twice");
        }

        symbol.Defined = true;
        _pos = SkipSpace(_pos + 3, newlineOk: true);
        ParseAlternatives(nested: false);
        if (_pos < _text.Length)
        {
            if (_text[_pos] == '\r')
            {
                _pos += _pos + 1 < _text.Length && _text[_pos + 1] == '\n' ? 2 : 1;
            }
            else if (_text[_pos] == '\n')
            {
                _pos++;
            }
            else
            {
                throw Error($"unexpected '{_text[_pos]}'; expected the end of the rule");
            }
        }

        _pos = SkipSpace(_pos, newlineOk: true);
    }

    private void ParseAlternatives(bool nested)
    {
        ParseSequence(nested);
        while (_pos < _text.Length && _text[_pos] == '|')
        {
            _pos = SkipSpace(_pos + 1, newlineOk: true);
            ParseSequence(nested);
        }
    }

    private void ParseSequence(bool nested)
    {
        var hasItem = false;
        long repeatedRules = 1;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                while (Current("a string literal") != '"')
                {
                    ParseChar();
                }

                Item(1);
            }
            else if (c == '[')
            {
                ParseClass();
                Item(1);
            }
            else if (IsWordChar(c))
            {
                Intern(ParseName("a rule name"), _rule);
                _pos--;
                Item(1);
            }
            else if (c == '(')
            {
                _pos = SkipSpace(_pos + 1, newlineOk: true);
                var before = _symbolCount++;
                ParseAlternatives(nested: true);
                if (Current("a group") != ')')
                {
                    throw Error($"unexpected '{_text[_pos]}'; expected ')'");
                }

                Item(Math.Max(1, _symbolCount - before));
            }
            else if (c == '.')
            {
                Item(1);
            }
            else if (c is '*' or '+' or '?')
            {
                _pos = SkipSpace(_pos + 1, nested);
                Repeat(c == '+' ? 1 : 0, c == '?' ? 1 : null);
            }
            else if (c == '{')
            {
                var (min, max) = ParseCount(nested);
                Repeat(min, max);
            }
            else if (c is '<' or '!')
            {
                throw Error("token references (<...>) need a vocabulary; Strata's grammars do not use them");
            }
            else
            {
                return;
            }
        }

        // An element was read up to _pos, which points at its last character: step past it and the space after it.
        void Item(long rules)
        {
            _pos = SkipSpace(_pos + 1, nested);
            hasItem = true;
            repeatedRules = rules;
        }

        void Repeat(long min, long? max)
        {
            if (!hasItem)
            {
                throw Error("a quantifier must follow an item");
            }

            var times = max is > 0 ? max.Value : Math.Max(min, 1);
            if (repeatedRules * times >= RepetitionThreshold)
            {
                throw Error($"an item of {repeatedRules} rule(s) repeated {times} times reaches llama.cpp's limit of {RepetitionThreshold}");
            }

            _symbolCount += max is null ? 1 : max.Value - min;
            repeatedRules *= times;
        }
    }

    private (long Min, long? Max) ParseCount(bool nested)
    {
        _pos = SkipSpace(_pos + 1, nested);
        var min = ParseInteger();
        long? max = min;
        _pos = SkipSpace(_pos, nested);
        if (Current("a repetition count") == ',')
        {
            _pos = SkipSpace(_pos + 1, nested);
            max = _pos < _text.Length && char.IsAsciiDigit(_text[_pos]) ? ParseInteger() : null;
            _pos = SkipSpace(_pos, nested);
        }

        if (Current("a repetition count") != '}')
        {
            throw Error($"unexpected '{_text[_pos]}' in a repetition count; expected ',' or '}}'");
        }

        _pos = SkipSpace(_pos + 1, nested);
        if (min > RepetitionThreshold || max > RepetitionThreshold)
        {
            throw Error($"a repetition of {(min > RepetitionThreshold ? "at least " + min : "up to " + max)} is more than llama.cpp's limit of {RepetitionThreshold}");
        }

        if (max < min)
        {
            throw Error($"the repetition {{{min},{max}}} has its maximum below its minimum");
        }

        return (min, max);
    }

    private void ParseClass()
    {
        _pos++;
        if (_pos < _text.Length && _text[_pos] == '^')
        {
            _pos++;
        }

        var start = _pos;
        while (Current("a character class") != ']')
        {
            ParseChar();
            if (_pos < _text.Length && _text[_pos] == '-' && _pos + 1 < _text.Length && _text[_pos + 1] != ']')
            {
                _pos++;
                ParseChar();
            }
        }

        if (_pos == start)
        {
            throw Error("an empty character class matches nothing");
        }
    }

    // One character of a literal or class, escapes as llama.cpp's parse_char reads them.
    private void ParseChar()
    {
        if (_text[_pos] != '\\')
        {
            _pos += char.IsHighSurrogate(_text[_pos]) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]) ? 2 : 1;
            return;
        }

        var escape = _pos + 1 < _text.Length ? _text[_pos + 1] : throw Error("the grammar ends inside an escape");
        var hexDigits = escape switch
        {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            't' or 'r' or 'n' or '\\' or '"' or '[' or ']' or '-' => 0,
            _ => throw Error($"unknown escape '\\{escape}'"),
        };
        _pos += 2;
        for (var i = 0; i < hexDigits; i++, _pos++)
        {
            if (_pos >= _text.Length || !char.IsAsciiHexDigit(_text[_pos]))
            {
                throw Error($"'\\{escape}' needs {hexDigits} hex digits");
            }
        }
    }

    private long ParseInteger()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start || !long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            _pos = start;
            throw Error("expected a repetition count");
        }

        return value;
    }

    private string ParseName(string what)
    {
        var start = _pos;
        while (_pos < _text.Length && IsWordChar(_text[_pos]))
        {
            _pos++;
        }

        return _pos > start ? _text[start.._pos] : throw Error($"expected {what}");
    }

    private char Current(string inside) => _pos < _text.Length ? _text[_pos] : throw Error($"the grammar ends inside {inside}");

    private Symbol Intern(string name, string? user)
    {
        if (!_symbols.TryGetValue(name, out var symbol))
        {
            symbol = new Symbol { FirstUser = user };
            _symbols.Add(name, symbol);
            _symbolCount++;
        }

        symbol.FirstUser ??= user;
        return symbol;
    }

    private int SkipSpace(int pos, bool newlineOk)
    {
        while (pos < _text.Length)
        {
            var c = _text[pos];
            if (c == '#')
            {
                while (pos < _text.Length && _text[pos] is not ('\r' or '\n'))
                {
                    pos++;
                }
            }
            else if (c is ' ' or '\t' || (newlineOk && c is '\r' or '\n'))
            {
                pos++;
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';

    private LlamaGrammarException Error(string problem)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < Math.Min(_pos, _text.Length); i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var rule = _rule.Length > 0 ? $"rule '{_rule}', " : "";
        return new LlamaGrammarException($"invalid grammar ({rule}line {line}, column {_pos - lineStart + 1}): {problem}");
    }

    private sealed class Symbol
    {
        public bool Defined { get; set; }

        public string? FirstUser { get; set; }
    }
}
