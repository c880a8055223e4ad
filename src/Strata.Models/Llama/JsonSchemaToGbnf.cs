using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.Models.Llama;

/// <summary>
/// Turns a JSON Schema into a GBNF grammar for llama.cpp's grammar sampler, so constrained output always parses
/// and validates. Modelled on llama.cpp's <c>json-schema-to-grammar</c>: one rule per schema node, shared
/// primitive rules, properties in declared order (required first), <c>anyOf</c>/<c>oneOf</c>/<c>enum</c> as
/// alternatives. Unlike llama.cpp every string, array and free-form object is bounded (<see cref="JsonGrammarLimits"/>),
/// because an unbounded rule lets a weak model write forever; and only local <c>$ref</c>s without cycles are followed.
/// This is the one hard file of the folder.
/// </summary>
public sealed class JsonSchemaToGbnf
{
    /// <summary>The largest repetition count a grammar may hold, whatever the schema asks.</summary>
    public const int MaxRepetition = 4096;

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly JsonGrammarLimits _limits;
    private readonly JsonElement _document;
    private readonly Stack<string> _refsInProgress = new();

    private JsonSchemaToGbnf(JsonElement document, JsonGrammarLimits limits)
    {
        _document = document;
        _limits = limits;
    }

    /// <summary>Builds a grammar whose <c>root</c> rule matches exactly the JSON values the schema allows.</summary>
    /// <exception cref="NotSupportedException">The schema uses something the converter cannot express (a remote or cyclic <c>$ref</c>).</exception>
    public static string Convert(JsonElement schema, JsonGrammarLimits? limits = null)
    {
        var converter = new JsonSchemaToGbnf(schema, limits ?? new JsonGrammarLimits());
        var root = converter.Visit(schema, "root-value", depth: 0);
        converter._rules["root"] = root;
        return converter.Render();
    }

    /// <summary>Builds a grammar for any JSON object, nested to at most <see cref="JsonGrammarLimits.MaxDepth"/> (OpenAI's "JSON mode").</summary>
    public static string ConvertAnyObject(JsonGrammarLimits? limits = null)
    {
        var converter = new JsonSchemaToGbnf(default, limits ?? new JsonGrammarLimits());
        converter._rules["root"] = converter.FreeObject(0);
        return converter.Render();
    }

    /// <summary>
    /// Adds the rules for <paramref name="schema"/> to a grammar being built elsewhere (tool calls) and returns the
    /// expression that matches it. Rule names get <paramref name="prefix"/> so several schemas can share one grammar.
    /// </summary>
    internal static string AddTo(Dictionary<string, string> rules, JsonElement schema, string prefix, JsonGrammarLimits limits)
    {
        var converter = new JsonSchemaToGbnf(schema, limits);
        foreach (var (name, body) in rules)
        {
            converter._rules[name] = body;
        }

        var expression = converter.Visit(schema, prefix, depth: 0);
        foreach (var (name, body) in converter._rules)
        {
            rules[name] = body;
        }

        return expression;
    }

    internal static string Render(Dictionary<string, string> rules) =>
        string.Concat(rules.OrderBy(rule => rule.Key == "root" ? 0 : 1).ThenBy(rule => rule.Key, StringComparer.Ordinal)
            .Select(rule => $"{rule.Key} ::= {rule.Value}\n"));

    private string Render() => Render(_rules);

    // Returns a GBNF expression (usually a rule name) matching the schema followed by optional whitespace.
    private string Visit(JsonElement schema, string name, int depth)
    {
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind == JsonValueKind.Undefined)
        {
            return AnyValue(depth);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"a schema must be an object or true, not {schema.ValueKind}");
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(reference.GetString() ?? "", depth);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Define(name, Literal(constant) + " space");
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            return Define(name, "(" + string.Join(" | ", values.EnumerateArray().Select(Literal)) + ") space");
        }

        foreach (var keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                var alternatives = options.EnumerateArray().Select((option, i) => Visit(option, $"{name}-{i}", depth)).ToList();
                return Define(name, string.Join(" | ", alternatives));
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                var alternatives = type.EnumerateArray().Select(t => VisitType(schema, t.GetString() ?? "", $"{name}-{t.GetString()}", depth)).ToList();
                return Define(name, string.Join(" | ", alternatives));
            }

            return VisitType(schema, type.GetString() ?? "", name, depth);
        }

        if (schema.TryGetProperty("properties", out _))
        {
            return VisitType(schema, "object", name, depth);
        }

        if (schema.TryGetProperty("items", out _))
        {
            return VisitType(schema, "array", name, depth);
        }

        return AnyValue(depth);
    }

    private string VisitType(JsonElement schema, string type, string name, int depth) => type switch
    {
        "string" => StringRule(schema),
        "integer" => Primitive("integer", "\"-\"? integral-part space"),
        "number" => Primitive("number", "\"-\"? integral-part (\".\" [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})? space"),
        "boolean" => Primitive("boolean", "(\"true\" | \"false\") space"),
        "null" => Primitive("null", "\"null\" space"),
        "array" => ArrayRule(schema, name, depth),
        "object" => ObjectRule(schema, name, depth),
        _ => throw new NotSupportedException($"unknown JSON Schema type '{type}'"),
    };

    private string ObjectRule(JsonElement schema, string name, int depth)
    {
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return FreeObject(depth);
        }

        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(item => item.GetString() ?? "").ToHashSet(StringComparer.Ordinal)
            : [];
        var pairs = properties.EnumerateObject()
            .Select(property => (property.Name, Required: required.Contains(property.Name),
                Rule: Define($"{name}-{Sanitize(property.Name)}-kv",
                    $"{Literal(JsonSerializer.SerializeToElement(property.Name))} space \":\" space {Visit(property.Value, $"{name}-{Sanitize(property.Name)}", depth + 1)}")))
            .ToList();
        var requiredRules = pairs.Where(pair => pair.Required).Select(pair => pair.Rule).ToList();
        var optionalRules = pairs.Where(pair => !pair.Required).Select(pair => pair.Rule).ToList();

        var body = new StringBuilder("\"{\" space ");
        if (requiredRules.Count > 0)
        {
            body.Append(string.Join(" \",\" space ", requiredRules));
            foreach (var optional in optionalRules)
            {
                body.Append(CultureInfo.InvariantCulture, $" (\",\" space {optional})?");
            }
        }
        else if (optionalRules.Count > 0)
        {
            // No property is required: the object may start with any of them, and only later ones may follow.
            var starts = optionalRules.Select((first, i) =>
                first + string.Concat(optionalRules.Skip(i + 1).Select(next => $" (\",\" space {next})?")));
            body.Append("(" + string.Join(" | ", starts) + ")?");
        }

        body.Append(" \"}\" space");
        return Define(name, body.ToString());
    }

    private string ArrayRule(JsonElement schema, string name, int depth)
    {
        var item = schema.TryGetProperty("items", out var items) ? Visit(items, $"{name}-item", depth + 1) : AnyValue(depth + 1);
        var (min, max) = Bounds(schema, "minItems", "maxItems", _limits.MaxArrayItems);
        return Define(name, $"\"[\" space {Sequence(item, min, max)} \"]\" space");
    }

    // Between min and max comma-separated items.
    private static string Sequence(string item, int min, int max)
    {
        if (max <= 0)
        {
            return "";
        }

        var rest = $"(\",\" space {item}){{{Math.Max(0, min - 1)},{max - 1}}}";
        return min > 0 ? $"{item} {rest}" : $"({item} {rest})?";
    }

    private string StringRule(JsonElement schema)
    {
        var (min, max) = Bounds(schema, "minLength", "maxLength", _limits.MaxStringLength);
        AddCharRule();
        return Primitive($"string-{min}-{max}", $"\"\\\"\" char{{{min},{max}}} \"\\\"\" space");
    }

    // llama.cpp expands x{m,n} into n rules, so a hostile maxLength of 2^31 would exhaust memory: bounds are capped.
    private static (int Min, int Max) Bounds(JsonElement schema, string minKeyword, string maxKeyword, int defaultMax)
    {
        var min = Read(minKeyword) ?? 0;
        var max = Math.Min(Read(maxKeyword) ?? Math.Max(min, defaultMax), MaxRepetition);
        if (min > max)
        {
            throw new NotSupportedException($"{minKeyword} {min} is larger than {maxKeyword} {max} (at most {MaxRepetition} is supported)");
        }

        return (min, max);

        int? Read(string keyword)
        {
            if (!schema.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
                ? (int)Math.Min(number, int.MaxValue)
                : throw new NotSupportedException($"{keyword} must be a non-negative integer, not {value.GetRawText()}");
        }
    }

    private string FreeObject(int depth)
    {
        var name = $"object-d{depth}";
        if (!_rules.ContainsKey(name))
        {
            _rules[name] = "";
            AddCharRule();
            var key = Primitive($"string-0-{_limits.MaxStringLength}", $"\"\\\"\" char{{0,{_limits.MaxStringLength}}} \"\\\"\" space");
            var pair = $"{key} \":\" space {AnyValue(depth + 1)}";
            _rules[name] = $"\"{{\" space {Sequence($"({pair})", 0, _limits.MaxObjectProperties)} \"}}\" space";
        }

        return name;
    }

    private string AnyValue(int depth)
    {
        var name = $"value-d{depth}";
        if (_rules.ContainsKey(name))
        {
            return name;
        }

        _rules[name] = "";
        AddCharRule();
        var alternatives = new List<string>
        {
            Primitive($"string-0-{_limits.MaxStringLength}", $"\"\\\"\" char{{0,{_limits.MaxStringLength}}} \"\\\"\" space"),
            Primitive("number", "\"-\"? integral-part (\".\" [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})? space"),
            Primitive("boolean", "(\"true\" | \"false\") space"),
            Primitive("null", "\"null\" space"),
        };

        // Containers only above the depth limit, so free-form JSON always closes.
        if (depth < _limits.MaxDepth)
        {
            alternatives.Insert(0, FreeObject(depth));
            alternatives.Insert(1, Define($"array-d{depth}", $"\"[\" space {Sequence(AnyValue(depth + 1), 0, _limits.MaxArrayItems)} \"]\" space"));
        }

        _rules[name] = string.Join(" | ", alternatives);
        return name;
    }

    private string Reference(string reference, int depth)
    {
        const string local = "#/";
        if (!reference.StartsWith(local, StringComparison.Ordinal) || _document.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"only local $refs are supported, not '{reference}'");
        }

        if (_refsInProgress.Contains(reference))
        {
            throw new NotSupportedException($"the schema refers to itself through '{reference}'; recursive schemas are not supported");
        }

        var target = _document;
        foreach (var segment in reference[local.Length..].Split('/'))
        {
            var key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (!target.TryGetProperty(key, out target))
            {
                throw new NotSupportedException($"the $ref '{reference}' points nowhere");
            }
        }

        _refsInProgress.Push(reference);
        try
        {
            return Visit(target, "ref-" + Sanitize(reference[local.Length..]), depth);
        }
        finally
        {
            _refsInProgress.Pop();
        }
    }

    private void AddCharRule()
    {
        // llama.cpp's grammar engine does not check UTF-8 continuation bytes, so a model emitting broken UTF-8 could slip
        // a quote past a raw non-ASCII character; ASCII plus \u escapes keeps every answer parseable.
        _rules.TryAdd("char", _limits.AsciiStrings
            ? "[ !#-\\[\\]-~] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})"
            : "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        _rules.TryAdd("space", "\" \"?");
    }

    private string Primitive(string name, string body)
    {
        _rules.TryAdd("space", "\" \"?");
        _rules.TryAdd("integral-part", "[0] | [1-9] [0-9]{0,15}");
        _rules.TryAdd(name, body);
        return name;
    }

    private string Define(string name, string body)
    {
        var unique = name;
        for (var i = 1; _rules.TryGetValue(unique, out var existing) && existing != body; i++)
        {
            unique = $"{name}{i}";
        }

        _rules[unique] = body;
        return unique;
    }

    // A JSON value written compactly, as a GBNF string literal.
    private static string Literal(JsonElement value)
    {
        var json = JsonSerializer.Serialize(value);
        var literal = new StringBuilder("\"");
        foreach (var c in json)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    // GBNF rule names allow letters, digits and dashes.
    private static string Sanitize(string name)
    {
        var clean = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return clean.Length == 0 ? "x" : clean;
    }
}
