using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>Reads the <c>{"name": ..., "arguments": {...}}</c> text a tool-calling turn produced.</summary>
internal static class ToolCallParser
{
    /// <summary>Parses <paramref name="text"/> as a call to one of <paramref name="functions"/>; null when it is not one.</summary>
    public static FunctionCallContent? TryParse(string text, IReadOnlyList<AIFunctionDeclaration> functions)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || functions.All(function => function.Name != name.GetString()))
            {
                return null;
            }

            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (root.TryGetProperty("arguments", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in values.EnumerateObject())
                {
                    // JsonElement values are what FunctionInvokingChatClient and AIFunction binding expect from JSON.
                    arguments[property.Name] = property.Value.Clone();
                }
            }

            return new FunctionCallContent($"call_{Guid.NewGuid():N}"[..21], name.GetString()!, arguments);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
