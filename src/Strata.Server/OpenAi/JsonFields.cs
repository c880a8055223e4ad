using System.Text.Json;

namespace Strata.Server.OpenAi;

/// <summary>Typed access to optional request fields, with errors that name the field at fault.</summary>
internal static class JsonFields
{
    public static string? String(JsonElement parent, string name, string path)
    {
        if (!Object(parent, path).TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(path + name, "a string");
    }

    public static string RequiredString(JsonElement parent, string name, string path) =>
        String(parent, name, path) ?? throw new OpenAiRequestException($"'{path}{name}' is required.", path + name, "missing_required_parameter");

    /// <summary>A required name (of a tool, a function to call): a string that is not blank.</summary>
    public static string RequiredName(JsonElement parent, string name, string path) =>
        RequiredString(parent, name, path) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new OpenAiRequestException($"'{path}{name}' must not be empty.", path + name, "invalid_value");

    /// <summary>
    /// The request's <c>model</c>: required, and not blank (an empty name is a client's mistake, answered before any
    /// model lookup, which takes a blank name for a caller's bug).
    /// </summary>
    public static string RequiredModel(JsonElement body) =>
        RequiredString(body, "model", "") is { } model && !string.IsNullOrWhiteSpace(model)
            ? model
            : throw new OpenAiRequestException("'model' must name a model.", "model", "invalid_value");

    /// <summary>
    /// <paramref name="element"/> when it is a JSON object: every field read starts here, so a body or an item of the
    /// wrong JSON type (<c>[1, 2]</c> where messages go, <c>"x"</c> as the whole body) is a 400 naming where it was.
    /// </summary>
    public static JsonElement Object(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw (path.Length == 0
                ? new OpenAiRequestException("The request body must be a JSON object.", code: "invalid_type")
                : Invalid(path.TrimEnd('.'), "an object"));

    public static double? Number(JsonElement parent, string name)
    {
        if (!Object(parent, "").TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble() : throw Invalid(name, "a number");
    }

    public static long? Integer(JsonElement parent, string name)
    {
        if (!Object(parent, "").TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) ? integer : throw Invalid(name, "an integer");
    }

    /// <summary>An optional <c>dimensions</c>: a whole number from 1 up, as the embedding APIs define it.</summary>
    public static int? Dimensions(JsonElement body) => Integer(body, "dimensions") switch
    {
        null => null,
        >= 1 and <= int.MaxValue and var dimensions => (int)dimensions,
        _ => throw new OpenAiRequestException("'dimensions' must be a whole number of at least 1.", "dimensions", "invalid_value"),
    };

    public static bool Boolean(JsonElement parent, string name)
    {
        if (!Object(parent, "").TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(name, "a boolean");
    }

    public static OpenAiRequestException Invalid(string param, string expected) =>
        new($"'{param}' must be {expected}.", param, "invalid_type");
}
