using System.Text.Json;

namespace Strata.Server.OpenAi;

/// <summary>Typed access to optional request fields, with errors that name the field at fault.</summary>
internal static class JsonFields
{
    public static string? String(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(path + name, "a string");
    }

    public static string RequiredString(JsonElement parent, string name, string path) =>
        String(parent, name, path) ?? throw new OpenAiRequestException($"'{path}{name}' is required.", path + name, "missing_required_parameter");

    public static double? Number(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()) ? value.GetDouble() : throw Invalid(name, "a number");
    }

    public static long? Integer(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) ? integer : throw Invalid(name, "an integer");
    }

    public static bool Boolean(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(name, "a boolean");
    }

    public static OpenAiRequestException Invalid(string param, string expected) =>
        new($"'{param}' must be {expected}.", param, "invalid_type");
}
