using System.Globalization;
using System.Text.Json;

namespace Strata.Models.Llama;

// Local $refs: JSON pointers into the schema document, followed without cycles.
public sealed partial class JsonSchemaToGbnf
{
    private string Reference(string reference, int depth)
    {
        const string local = "#/";
        if (reference == "#" || _refsInProgress.Contains(reference))
        {
            throw new NotSupportedException($"the schema refers to itself through '{reference}'; recursive schemas are not supported");
        }

        // A remote $ref, or one this converter cannot follow ($id-relative, percent-encoded): any value, and the
        // validator, which resolves what it can, decides.
        if (TryResolve(reference) is not { } target)
        {
            _exact = false;
            return AnyValue(depth);
        }

        // A definition used many times is converted once per depth, so a chain of definitions that each use the next
        // twice costs linear, not exponential, time.
        if (_resolved.TryGetValue((reference, depth), out var known))
        {
            return known;
        }

        _refsInProgress.Push(reference);
        try
        {
            return _resolved[(reference, depth)] = Visit(target, "ref-" + Sanitize(reference[local.Length..]), depth);
        }
        finally
        {
            _refsInProgress.Pop();
        }
    }

    // The schema a local JSON pointer names; null for any other reference, or a pointer to nothing.
    private JsonElement? TryResolve(string reference)
    {
        const string local = "#/";
        if (!reference.StartsWith(local, StringComparison.Ordinal) || _document.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var target = _document;
        foreach (var segment in reference[local.Length..].Split('/'))
        {
            var key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            var found = target.ValueKind switch
            {
                JsonValueKind.Object => target.TryGetProperty(key, out target),
                JsonValueKind.Array => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < target.GetArrayLength()
                    && (target = target[index]).ValueKind != JsonValueKind.Undefined,
                _ => false,
            };
            if (!found)
            {
                return null;
            }
        }

        return target;
    }
}
