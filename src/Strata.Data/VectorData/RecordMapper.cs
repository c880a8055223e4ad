using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>
/// Maps records of a collection model to Strata records and back. The key becomes the id and is also kept in the metadata
/// under its storage name, so filters can test it; data properties become metadata under their storage names; the first
/// full-text-indexed string property is also the document (BM25 and hybrid search); hybrid search over another one reads
/// it from the metadata (<see cref="Strata.Data.Search.SearchOptions.TextField"/>). The first vector property is the
/// collection's indexed vector; further vectors are kept in the metadata and searched exactly. A model without vectors is
/// stored with a one-dimensional placeholder, because every Strata record has a vector.
/// </summary>
internal sealed class RecordMapper
{
    /// <summary>Prefix of the metadata fields that hold the second and later vectors of a record.</summary>
    public const string ExtraVectorPrefix = "__strata_vector:";

    private readonly CollectionModel model;

    public RecordMapper(CollectionModel model)
    {
        this.model = model;
        Primary = model.VectorProperties.Count > 0 ? model.VectorProperties[0] : null;
        Document = model.DataProperties.FirstOrDefault(p => p.IsFullTextIndexed && p.Type == typeof(string));
        foreach (var property in model.DataProperties)
        {
            if (property.StorageName.StartsWith(ExtraVectorPrefix, StringComparison.Ordinal) || property.StorageName == model.KeyProperty.StorageName)
            {
                throw new ArgumentException($"Data property '{property.ModelName}' has a storage name Strata reserves: '{property.StorageName}'.");
            }
        }
    }

    public CollectionModel Model => model;

    /// <summary>The vector Strata indexes; null for a model without vectors.</summary>
    public VectorPropertyModel? Primary { get; }

    /// <summary>The property stored as the record's document, if any.</summary>
    public DataPropertyModel? Document { get; }

    /// <summary>The dimension of the collection's indexed vector.</summary>
    public int Dimension => Primary?.Dimensions ?? 1;

    /// <summary>The metadata field a property is stored under.</summary>
    public static string FieldOf(PropertyModel property) =>
        property is VectorPropertyModel ? ExtraVectorPrefix + property.StorageName : property.StorageName;

    /// <summary>The Strata record for <paramref name="record"/>; <paramref name="generated"/> holds embeddings made for it, by property.</summary>
    public VectorRecord ToStored(object record, IReadOnlyDictionary<VectorPropertyModel, Embedding<float>>? generated)
    {
        var keyValue = model.KeyProperty.GetValueAsObject(record);
        var id = ValueCodec.IdOf(keyValue);
        var metadata = new JsonObject { [model.KeyProperty.StorageName] = ValueCodec.ToJson(keyValue) };
        foreach (var property in model.DataProperties)
        {
            if (ValueCodec.ToJson(property.GetValueAsObject(record)) is { } node)
            {
                metadata[property.StorageName] = node;
            }
        }

        var vector = new float[] { 1 };
        foreach (var property in model.VectorProperties)
        {
            var values = generated is not null && generated.TryGetValue(property, out var embedding)
                ? embedding.Vector.ToArray()
                : VectorOf(property.GetValueAsObject(record), property);
            if (values.Length != property.Dimensions)
            {
                throw new ArgumentException($"Vector property '{property.ModelName}' of record '{id}' has {values.Length} dimensions; the model declares {property.Dimensions}.");
            }

            if (property == Primary)
            {
                vector = values;
            }
            else
            {
                metadata[FieldOf(property)] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]);
            }
        }

        var document = Document?.GetValueAsObject(record) as string;
        return new VectorRecord(id, vector, document, metadata);
    }

    /// <summary>The record a stored Strata record stands for.</summary>
    public TRecord FromStored<TRecord>(VectorRecord stored, bool includeVectors)
        where TRecord : class
    {
        var record = model.CreateRecord<TRecord>()!;
        model.KeyProperty.SetValueAsObject(record, ValueCodec.KeyOf(stored.Id, model.KeyProperty.Type));
        foreach (var property in model.DataProperties)
        {
            var node = stored.Metadata is not null && stored.Metadata.TryGetPropertyValue(property.StorageName, out var value) ? value : null;
            property.SetValueAsObject(record, ValueCodec.FromJson(node, property.Type));
        }

        if (includeVectors)
        {
            foreach (var property in model.VectorProperties)
            {
                var values = property == Primary ? stored.Vector : ExtraVector(stored, property);
                if (values is not null)
                {
                    property.SetValueAsObject(record, AsPropertyValue(values, property.Type));
                }
            }
        }

        return record;
    }

    /// <summary>A vector kept in the metadata (a record's second or later vector); null when absent.</summary>
    public static float[]? ExtraVector(VectorRecord stored, VectorPropertyModel property) =>
        stored.Metadata?[FieldOf(property)] is JsonArray array ? [.. array.Select(v => v!.GetValue<float>())] : null;

    private static object AsPropertyValue(float[] values, Type type) =>
        type == typeof(float[]) ? values
        : type == typeof(Embedding<float>) ? new Embedding<float>(values)
        : new ReadOnlyMemory<float>(values);

    /// <summary>The floats of a vector value (ReadOnlyMemory, array or embedding).</summary>
    public static float[] VectorOf(object? value, VectorPropertyModel property) => value switch
    {
        ReadOnlyMemory<float> memory => memory.ToArray(),
        float[] array => array,
        Embedding<float> embedding => embedding.Vector.ToArray(),
        null => throw new ArgumentException($"Vector property '{property.ModelName}' is null: Strata stores a vector for every vector property."),
        _ => throw new NotSupportedException($"Vector property '{property.ModelName}' holds a {value.GetType().Name}; Strata stores {StrataModelBuilder.SupportedVectorTypes}, or another type with an embedding generator."),
    };
}
