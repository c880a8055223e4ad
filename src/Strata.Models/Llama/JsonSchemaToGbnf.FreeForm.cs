namespace Strata.Models.Llama;

// Free-form JSON (no schema, or an object without properties), bounded in depth, length and width.
public sealed partial class JsonSchemaToGbnf
{
    private string FreeObject(int depth)
    {
        var name = $"object-d{depth}";
        if (!_rules.ContainsKey(name))
        {
            _rules[name] = "";
            var key = String(0, _limits.MaxStringLength);
            // The pair is a rule of its own, not a group: llama.cpp counts a repeated group's inner rules against its limit.
            var pair = Define($"{name}-pair", $"{key} \":\" space {AnyValue(depth + 1)}");
            _rules[name] = $"\"{{\" space {Sequence(pair, 0, _limits.MaxObjectProperties, name)} \"}}\" space";
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
        var alternatives = new List<string>
        {
            String(0, _limits.MaxStringLength),
            Primitive("number", "\"-\"? integral-part (\".\" [0-9]{1,15})? ([eE] [-+]? [0-9])? space"),
            Primitive("boolean", "(\"true\" | \"false\") space"),
            Primitive("null", "\"null\" space"),
        };

        // Containers only above the depth limit, so free-form JSON always closes.
        if (depth < _limits.MaxDepth)
        {
            alternatives.Insert(0, FreeObject(depth));
            alternatives.Insert(1, Define($"array-d{depth}", $"\"[\" space {Sequence(AnyValue(depth + 1), 0, _limits.MaxArrayItems, $"array-d{depth}")} \"]\" space"));
        }

        _rules[name] = string.Join(" | ", alternatives);
        return name;
    }
}
