using System.Text.Json;
using System.Text.Json.Nodes;
using Strata.Data;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Orchestration.Rag;
using Strata.Server.OpenAi;

namespace Strata.Server.Knowledge;

/// <summary>Turns the Strata API's request fields into the Data layer's types, with 400s that name the field at fault.</summary>
internal static class KnowledgeRequests
{
    /// <summary>A filter sent as a JSON object, or as a string holding one (what a text box in a page gives).</summary>
    public static MetadataFilter? Filter(JsonElement? filter)
    {
        if (filter is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        JsonNode? node;
        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new OpenAiRequestException($"'filter' is not valid JSON: {e.Message}", "filter", "invalid_filter");
            }
        }
        else
        {
            node = JsonNode.Parse(element.GetRawText());
        }

        try
        {
            return MetadataFilter.Parse(node);
        }
        catch (StrataDataException e)
        {
            throw new OpenAiRequestException(e.Message, "filter", "invalid_filter");
        }
    }

    public static RetrievalMode Mode(string? mode, RetrievalMode fallback) => mode?.ToLowerInvariant() switch
    {
        null or "" => fallback,
        "dense" => RetrievalMode.Dense,
        "bm25" => RetrievalMode.Bm25,
        "hybrid" => RetrievalMode.Hybrid,
        _ => throw new OpenAiRequestException($"'mode' is '{mode}'; expected dense, bm25 or hybrid.", "mode", "invalid_value"),
    };

    public static DistanceMetric Distance(string? distance) => distance?.ToLowerInvariant() switch
    {
        null or "" or "cosine" => DistanceMetric.Cosine,
        "dot" => DistanceMetric.Dot,
        "l2" => DistanceMetric.L2,
        _ => throw new OpenAiRequestException($"'distance' is '{distance}'; expected cosine, dot or l2.", "distance", "invalid_value"),
    };

    /// <summary>
    /// A vector a cosine collection can hold or search with: one of length zero has no direction, so its cosine with
    /// anything is undefined (0/0). Other lengths and dimensions are the collection's own checks.
    /// </summary>
    /// <exception cref="OpenAiRequestException">An all-zero vector in a cosine collection (400 naming <paramref name="param"/>).</exception>
    public static void CheckVector(IVectorCollection collection, float[]? vector, string param)
    {
        if (vector is { Length: > 0 } && collection.Spec.Distance == DistanceMetric.Cosine && !vector.Any(v => v != 0f))
        {
            throw new OpenAiRequestException(
                $"A vector of zeros has no direction, so collection '{collection.Spec.Name}' (cosine distance) cannot store or search with it.", param, "zero_vector");
        }
    }

    public static RecordView View(VectorRecord record, bool includeVector) =>
        new(record.Id, record.Document, record.Metadata, includeVector ? record.Vector : null);
}
