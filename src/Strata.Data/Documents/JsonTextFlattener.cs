using System.Text;
using System.Text.Json;

namespace Strata.Data.Documents;

/// <summary>Writes the text fields of a JSON value as <c>path: value</c> lines, the form retrieval can match.</summary>
internal static class JsonTextFlattener
{
    public static string Flatten(JsonElement element)
    {
        var text = new StringBuilder();
        Write(element, "", text);
        return text.ToString();
    }

    private static void Write(JsonElement element, string path, StringBuilder text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Write(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", text);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, path, text);
                }

                break;
            case JsonValueKind.String when element.GetString() is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value):
                // Only strings carry prose; ids, counts and flags would only add noise to the embedding.
                text.Append(path.Length == 0 ? "" : path + ": ").Append(value.Trim()).Append('\n');
                break;
        }
    }
}
