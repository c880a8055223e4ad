using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Models.Llama;

/// <summary>
/// Turns a JSON Schema into a GBNF grammar for llama.cpp's grammar sampler, so constrained output always parses
/// and validates. Modelled on llama.cpp's <c>json-schema-to-grammar</c>: one rule per schema node, shared
/// primitive rules, properties in declared order (required first), <c>anyOf</c>/<c>oneOf</c>/<c>enum</c> as
/// alternatives. Unlike llama.cpp every string, array and free-form object is bounded (<see cref="JsonGrammarLimits"/>),
/// because an unbounded rule lets a weak model write forever; and only local <c>$ref</c>s without cycles are followed.
/// This is the one hard file of the folder.
/// </summary>
/// <remarks>
/// Every rule a body refers to is defined: <c>space</c>, which ends every value, is defined up front (a grammar made
/// only of <c>enum</c>/<c>const</c> values, or an object without properties, once used it without defining it, and
/// llama.cpp refused the grammar). Anything the converter cannot express fails with <see cref="NotSupportedException"/>
/// naming the keyword, never with another exception.
/// </remarks>
public sealed partial class JsonSchemaToGbnf
{
    /// <summary>
    /// The largest repetition count a grammar may hold, whatever the schema asks. llama.cpp (its MAX_REPETITION_THRESHOLD)
    /// refuses a count above 2000, and one that reaches 2000 when multiplied by the rules it repeats, so every bound
    /// stays below that.
    /// </summary>
    public const int MaxRepetition = GbnfGrammar.RepetitionThreshold - 1;

    /// <summary>The body of <c>space</c>, the optional blank that ends every value.</summary>
    internal const string SpaceRule = "\" \"?";

    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Reference, int Depth), string> _resolved = new();
    private readonly JsonGrammarLimits _limits;
    private readonly JsonElement _document;
    private readonly Stack<string> _refsInProgress = new();

    private JsonSchemaToGbnf(JsonElement document, JsonGrammarLimits limits)
    {
        _document = document;
        // Configured limits obey the same repetition ceiling as schema bounds.
        _limits = limits with
        {
            MaxStringLength = Math.Clamp(limits.MaxStringLength, 0, MaxRepetition),
            MaxArrayItems = Math.Clamp(limits.MaxArrayItems, 0, MaxRepetition),
            MaxObjectProperties = Math.Clamp(limits.MaxObjectProperties, 0, MaxRepetition),
        };
        _rules["space"] = SpaceRule;
    }

    /// <summary>Builds a grammar whose <c>root</c> rule matches exactly the JSON values the schema allows.</summary>
    /// <exception cref="NotSupportedException">The schema uses something the converter cannot express (a remote or cyclic <c>$ref</c>, impossible bounds, a keyword of the wrong type).</exception>
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
    /// expression that matches it. Rule names get <paramref name="prefix"/> so several schemas can share one grammar;
    /// the shared primitives (<c>space</c> included) are added too.
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

        if (schema.ValueKind == JsonValueKind.False)
        {
            throw new NotSupportedException("the schema 'false' allows no value at all");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"a schema must be an object or a boolean, not {schema.ValueKind}");
        }

        if (NeedsMerge(schema))
        {
            return Visit(Malformed(() => Flatten(schema, 0)), name, depth);
        }

        if (schema.TryGetProperty("not", out _) && Malformed(() => WithoutNot(schema)!.Value) is var typed)
        {
            return Visit(typed, name, depth);
        }

        if (schema.EnumerateObject().Any(keyword => !Handled.Contains(keyword.Name) && !Annotations.Contains(keyword.Name)))
        {
            // A keyword with no grammar form (contains, patternProperties, multipleOf, ...): the answer is validated.
            _exact = false;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(reference.ValueKind == JsonValueKind.String ? reference.GetString()! : throw Wrong("$ref", "a string", reference), depth);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            if (!AllowedBySiblings(schema, constant))
            {
                throw new NotSupportedException("the schema's 'const' breaks its own other keywords, so no value can match");
            }

            return Define(name, Literal(constant) + " space");
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            // Only the values the rest of the schema allows ({"type": "string", "enum": ["a", 1]} writes "a" alone).
            var allowed = NonEmpty(values, "enum").EnumerateArray().Where(value => AllowedBySiblings(schema, value)).ToList();
            return allowed.Count > 0
                ? Define(name, "(" + string.Join(" | ", allowed.Select(Literal)) + ") space")
                : throw new NotSupportedException("no value of the schema's 'enum' meets its other keywords");
        }

        foreach (var keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var options) && options.ValueKind == JsonValueKind.Array)
            {
                // oneOf also asks that only one option matches, which a grammar of alternatives cannot promise.
                _exact &= keyword == "anyOf";
                var siblings = Siblings(schema, keyword);
                var alternatives = NonEmpty(options, keyword).EnumerateArray()
                    .Select((option, i) => Visit(siblings is null || option.ValueKind != JsonValueKind.Object ? option
                        : Malformed(() => JsonSerializer.SerializeToElement(Merge(JsonObject.Create(siblings.Value)!, JsonObject.Create(option)!))), $"{name}-{i}", depth))
                    .ToList();
                return Define(name, string.Join(" | ", alternatives));
            }
        }

        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
            {
                var alternatives = NonEmpty(type, "type").EnumerateArray().Select(t => VisitType(schema, TypeName(t), $"{name}-{TypeName(t)}", depth)).ToList();
                return Define(name, string.Join(" | ", alternatives));
            }

            return VisitType(schema, TypeName(type), name, depth);
        }

        if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("required", out _))
        {
            return VisitType(schema, "object", name, depth);
        }

        if (schema.TryGetProperty("items", out _) || schema.TryGetProperty("prefixItems", out _))
        {
            return VisitType(schema, "array", name, depth);
        }

        // Keywords of one type constrain only values of that type; the grammar writes a value of that type (stricter).
        foreach (var (keyword, impliedType) in ImpliedTypes)
        {
            if (schema.TryGetProperty(keyword, out _))
            {
                return VisitType(schema, impliedType, name, depth);
            }
        }

        return AnyValue(depth);
    }

    // Merging reads keywords as the types 2020-12 gives them; a keyword of another type is the schema's fault (a 400).
    private static JsonElement Malformed(Func<JsonElement> merge)
    {
        try
        {
            return merge();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or JsonException or OverflowException)
        {
            throw new NotSupportedException($"allOf, $ref or if/then could not be merged: {e.Message}", e);
        }
    }

    private string VisitType(JsonElement schema, string type, string name, int depth) => type switch
    {
        "string" => StringRule(schema, name),
        "integer" => NumberRule(schema, integer: true, name),
        "number" => NumberRule(schema, integer: false, name),
        "boolean" => Primitive("boolean", "(\"true\" | \"false\") space"),
        "null" => Primitive("null", "\"null\" space"),
        "array" => ArrayRule(schema, name, depth),
        "object" => ObjectRule(schema, name, depth),
        _ => throw new NotSupportedException($"unknown JSON Schema type '{type}'"),
    };

    private string ObjectRule(JsonElement schema, string name, int depth)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        var required = Required(schema);
        if (!hasProperties && required.Count == 0)
        {
            return FreeObject(schema, name, depth);
        }

        RequireDependents(schema, required);
        var declared = hasProperties ? properties.EnumerateObject().Select(p => (p.Name, Schema: p.Value)).ToList() : [];
        // A required property the schema does not describe may hold any value.
        var additional = schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object ? extra : default;
        declared.AddRange(required.Where(r => !declared.Any(p => p.Name == r)).Select(r => (Name: r, Schema: additional)));
        foreach (var property in declared)
        {
            if (property.Schema.ValueKind == JsonValueKind.False && required.Contains(property.Name))
            {
                throw new NotSupportedException($"the required property '{property.Name}' has the schema 'false', so no object can match");
            }
        }

        // A property whose schema is false may not appear at all, nor may one whose name propertyNames refuses.
        declared = declared.Where(p => p.Schema.ValueKind != JsonValueKind.False && NameAllowed(schema, p.Name, required.Contains(p.Name))).ToList();
        var optional = declared.Where(p => !required.Contains(p.Name)).ToList();
        var requiredCount = declared.Count - optional.Count;
        CountProperties(schema, ref requiredCount, required, optional);

        var pairs = declared
            .Where(p => required.Contains(p.Name) || optional.Contains(p))
            .Select(p => (p.Name, Required: required.Contains(p.Name),
                Rule: Define($"{name}-{Sanitize(p.Name)}-kv",
                    $"{Literal(JsonSerializer.SerializeToElement(p.Name))} space \":\" space {Visit(p.Schema, $"{name}-{Sanitize(p.Name)}", depth + 1)}")))
            .ToList();
        var requiredRules = pairs.Where(pair => pair.Required).Select(pair => pair.Rule).ToList();
        var optionalRules = pairs.Where(pair => !pair.Required).Select(pair => pair.Rule).ToList();

        var body = new StringBuilder("\"{\" space ");
        if (requiredRules.Count > 0)
        {
            body.Append(string.Join(" \",\" space ", requiredRules));
            foreach (var rule in optionalRules)
            {
                body.Append(CultureInfo.InvariantCulture, $" (\",\" space {rule})?");
            }
        }
        else if (optionalRules.Count > 0)
        {
            // A rule and "?", not a group: llama.cpp would count each name first seen inside a group against its "?".
            body.Append(Define($"{name}-props", string.Join(" | ", OptionalStarts(optionalRules, name))) + "?");
        }

        body.Append(" \"}\" space");
        return Define(name, body.ToString());
    }

    // No property is required: the object may start with any of them, and only later ones may follow. What may follow
    // property i is one shared rule, so n optional properties make n rules rather than n² terms.
    private List<string> OptionalStarts(List<string> optionalRules, string name)
    {
        var starts = new string[optionalRules.Count];
        string? after = null;
        for (var i = optionalRules.Count - 1; i >= 0; i--)
        {
            starts[i] = after is null ? optionalRules[i] : $"{optionalRules[i]} {after}";
            if (i > 0)
            {
                after = Define($"{name}-after{i - 1}", $"(\",\" space {optionalRules[i]})?" + (after is null ? "" : $" {after}"));
            }
        }

        return [.. starts];
    }

    private static HashSet<string> Required(JsonElement schema)
    {
        if (!schema.TryGetProperty("required", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return list.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong("required", "a list of property names", item))
            .ToHashSet(StringComparer.Ordinal);
    }

    private string ArrayRule(JsonElement schema, string name, int depth)
    {
        var (min, max) = Bounds(schema, "minItems", "maxItems", _limits.MaxArrayItems);
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            // At most one item is always unique; longer arrays would need a grammar that remembers what it wrote.
            if (min <= 1)
            {
                max = Math.Min(max, 1);
            }
            else
            {
                _exact = false;
            }
        }

        var prefix = schema.TryGetProperty("prefixItems", out var prefixItems) && prefixItems.ValueKind == JsonValueKind.Array
            ? prefixItems.EnumerateArray().ToList()
            : [];
        var hasItems = schema.TryGetProperty("items", out var items);
        if (prefix.Count > 0)
        {
            return PrefixedArray(prefix, hasItems ? items : default, min, max, name, depth);
        }

        if (hasItems && items.ValueKind == JsonValueKind.False)
        {
            // No item is allowed: only the empty array matches.
            return min > 0 ? throw new NotSupportedException($"'items' is false, so no array has the {min} items minItems asks for") : Define(name, "\"[\" space \"]\" space");
        }

        var item = hasItems ? Visit(items, $"{name}-item", depth + 1) : AnyValue(depth + 1);
        return Define(name, $"\"[\" space {Sequence(item, min, max, name)} \"]\" space");
    }

    // prefixItems: the listed positions in order, then "items" for the rest. The grammar writes every listed position
    // (up to maxItems): a shorter array is valid too, but never needed.
    private string PrefixedArray(List<JsonElement> prefix, JsonElement rest, int min, int max, string name, int depth)
    {
        var written = Math.Min(prefix.Count, max);
        if (prefix.Take(written).Any(position => position.ValueKind == JsonValueKind.False))
        {
            written = prefix.FindIndex(position => position.ValueKind == JsonValueKind.False);
            if (written < min)
            {
                throw new NotSupportedException($"prefixItems allows no item at position {written}, and minItems asks for {min}");
            }

            max = written;
        }

        var positions = prefix.Take(written).Select((position, i) => Visit(position, $"{name}-{i}", depth + 1)).ToList();
        var body = new StringBuilder("\"[\" space ");
        body.Append(string.Join(" \",\" space ", positions));
        var more = Math.Max(0, max - written);
        var fewest = Math.Max(0, min - written);
        if (rest.ValueKind == JsonValueKind.False)
        {
            if (fewest > 0)
            {
                throw new NotSupportedException($"'items' is false after {prefix.Count} prefixItems, so no array has the {min} items minItems asks for");
            }

            more = 0;
        }

        if (more > 0 && written > 0)
        {
            var item = rest.ValueKind == JsonValueKind.Undefined ? AnyValue(depth + 1) : Visit(rest, $"{name}-rest", depth + 1);
            var tail = Define($"{name}-tail", $"\",\" space {item}");
            body.Append(CultureInfo.InvariantCulture, $" {tail}{{{fewest},{more}}}");
        }
        else if (more > 0)
        {
            var item = rest.ValueKind == JsonValueKind.Undefined ? AnyValue(depth + 1) : Visit(rest, $"{name}-rest", depth + 1);
            body.Append(Sequence(item, fewest, more, name));
        }

        body.Append(" \"]\" space");
        return Define(name, body.ToString());
    }

    // Between min and max comma-separated items. An optional list is a rule of its own followed by "?", not a group:
    // llama.cpp counts every rule a repetition creates inside a group against the group's own quantifier, so
    // "(item (, item){0,1998})?" would be refused while "items?" is not.
    private string Sequence(string item, int min, int max, string name)
    {
        if (max <= 0)
        {
            return "";
        }

        var items = $"{item} (\",\" space {item}){{{Math.Max(0, min - 1)},{max - 1}}}";
        return min > 0 ? items : Define($"{name}-items", items) + "?";
    }

    private string StringRule(JsonElement schema, string name)
    {
        var (min, max) = Bounds(schema, "minLength", "maxLength", _limits.MaxStringLength);
        if (!schema.TryGetProperty("pattern", out var pattern))
        {
            return String(min, max);
        }

        var translation = pattern.ValueKind == JsonValueKind.String
            ? RegexToGbnf.TryTranslate(pattern.GetString()!, min, max, max, (rule, body) => Define($"{name}-{rule}", body))
            : null;
        if (translation is null)
        {
            // Outside the safe subset: any string within the lengths, and the pattern is checked on the finished answer.
            _exact = false;
            return String(min, max);
        }

        // A pattern whose lengths the string bounds do not imply still constrains the text; validation checks the rest.
        _exact &= translation.MinLength >= min && translation.MaxLength <= max;
        return Define($"{name}-pattern", $"\"\\\"\" {translation.Expression} \"\\\"\" space");
    }

    private string String(int min, int max)
    {
        AddCharRule();
        return Primitive($"string-{min}-{max}", $"\"\\\"\" char{{{min},{max}}} \"\\\"\" space");
    }

    // llama.cpp expands x{m,n} into n rules, so a hostile maxLength of 2^31 would exhaust memory: bounds are capped.
    private static (int Min, int Max) Bounds(JsonElement schema, string minKeyword, string maxKeyword, int defaultMax)
    {
        var min = Read(minKeyword) ?? 0;
        if (min > MaxRepetition)
        {
            throw new NotSupportedException($"{minKeyword} {min} is more than the {MaxRepetition} this runtime can constrain");
        }

        var max = Math.Min(Read(maxKeyword) ?? Math.Max(min, defaultMax), MaxRepetition);
        if (min > max)
        {
            throw new NotSupportedException($"{minKeyword} {min} is larger than {maxKeyword} {max}");
        }

        return (min, max);

        int? Read(string keyword)
        {
            if (!schema.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            // 2020-12 counts 1.0 as an integer.
            return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && number >= 0 && number == Math.Floor(number)
                ? (int)Math.Min(number, int.MaxValue)
                : throw Wrong(keyword, "a non-negative integer", value);
        }
    }

    private void AddCharRule() =>
        // llama.cpp's grammar engine does not check UTF-8 continuation bytes, so a model emitting broken UTF-8 could slip
        // a quote past a raw non-ASCII character; ASCII plus \u escapes keeps every answer parseable.
        _rules.TryAdd("char", _limits.AsciiStrings
            ? "[ !#-\\[\\]-~] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})"
            : "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");

    private string Primitive(string name, string body)
    {
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

    private static JsonElement NonEmpty(JsonElement list, string keyword) =>
        list.GetArrayLength() > 0 ? list : throw new NotSupportedException($"'{keyword}' is an empty list, so no value can match");

    private static string TypeName(JsonElement type) =>
        type.ValueKind == JsonValueKind.String ? type.GetString()! : throw Wrong("type", "a type name or a list of them", type);

    private static NotSupportedException Wrong(string keyword, string expected, JsonElement value)
    {
        var text = value.GetRawText();
        return new NotSupportedException($"'{keyword}' must be {expected}, not {(text.Length > 40 ? text[..40] + "..." : text)}");
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
