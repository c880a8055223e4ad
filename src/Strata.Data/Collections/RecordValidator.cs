using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Data.Collections;

/// <summary>Checks a batch before anything is written, so a bad record fails the whole batch with a clear message.</summary>
internal static class RecordValidator
{
    /// <summary>Metadata larger than this (as UTF-8 JSON) is refused: it belongs in a document store, not in every row.</summary>
    public const int MaxMetadataBytes = 64 * 1024;

    public const int MaxIdLength = 512;

    public const int MaxDocumentChars = 1 << 20;

    /// <summary>Validates every record and returns each one's metadata serialised as JSON text.</summary>
    public static string[] Validate(IReadOnlyList<VectorRecord> records, int dimension, string collection)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var metadata = new string[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new StrataDataException($"Record {i} of the batch is null.");
            if (string.IsNullOrEmpty(record.Id) || record.Id.Length > MaxIdLength)
            {
                throw new StrataDataException($"Record {i} has an empty id or one longer than {MaxIdLength} characters.");
            }

            if (!seen.Add(record.Id))
            {
                throw new StrataDataException($"Id '{record.Id}' appears twice in one batch.");
            }

            if (record.Vector is null || record.Vector.Length != dimension)
            {
                throw new StrataDataException($"Record '{record.Id}' has a vector of {record.Vector?.Length ?? 0} dimensions; collection '{collection}' expects {dimension}.");
            }

            foreach (var value in record.Vector)
            {
                if (!float.IsFinite(value))
                {
                    throw new StrataDataException($"Record '{record.Id}' has a NaN or infinite vector component.");
                }
            }

            if (record.Document is { Length: > MaxDocumentChars })
            {
                throw new StrataDataException($"Record '{record.Id}' has a document longer than {MaxDocumentChars} characters.");
            }

            metadata[i] = SerializeMetadata(record.Id, record.Metadata);
        }

        return metadata;
    }

    /// <summary>Checks a query vector: the collection's dimension and finite values.</summary>
    public static void ValidateQuery(float[] vector, int dimension, string collection)
    {
        if (vector.Length != dimension)
        {
            throw new StrataDataException($"The query vector has {vector.Length} dimensions; collection '{collection}' expects {dimension}.");
        }

        if (!vector.All(float.IsFinite))
        {
            throw new StrataDataException("The query vector has a NaN or infinite component.");
        }
    }

    private static string SerializeMetadata(string id, JsonObject? metadata)
    {
        if (metadata is null)
        {
            return "{}";
        }

        foreach (var (key, value) in metadata)
        {
            if (value is JsonArray array)
            {
                foreach (var item in array)
                {
                    CheckScalar(id, key, item);
                }
            }
            else
            {
                CheckScalar(id, key, value);
            }
        }

        var json = metadata.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > MaxMetadataBytes)
        {
            throw new StrataDataException($"Record '{id}' has metadata over {MaxMetadataBytes / 1024} KiB.");
        }

        return json;
    }

    private static void CheckScalar(string id, string key, JsonNode? value)
    {
        if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            throw new StrataDataException($"Record '{id}': metadata '{key}' must be a string, number, boolean or an array of them.");
        }
    }
}
