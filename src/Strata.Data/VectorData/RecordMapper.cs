using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Strata.Data.Collections;

namespace Strata.Data.VectorData;

/// <summary>
/// Maps a record class annotated with <see cref="VectorStoreKeyAttribute"/>, <see cref="VectorStoreDataAttribute"/> and
/// <see cref="VectorStoreVectorAttribute"/> to Strata records: the key becomes the id, data properties become metadata
/// (under their storage name), the first full-text-indexed string property is also the document.
/// </summary>
internal sealed class RecordMapper<TRecord>
    where TRecord : class
{
    private readonly PropertyInfo key;
    private readonly PropertyInfo vector;
    private readonly (PropertyInfo Property, string Name)[] data;
    private readonly PropertyInfo? document;

    public RecordMapper()
    {
        var properties = typeof(TRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        key = properties.SingleOrDefault(p => p.GetCustomAttribute<VectorStoreKeyAttribute>() is not null)
            ?? throw new NotSupportedException($"{typeof(TRecord).Name} needs exactly one [VectorStoreKey] property.");
        if (key.PropertyType != typeof(string))
        {
            throw new NotSupportedException($"Strata keys are strings; {typeof(TRecord).Name}.{key.Name} is {key.PropertyType.Name}.");
        }

        vector = properties.SingleOrDefault(p => p.GetCustomAttribute<VectorStoreVectorAttribute>() is not null)
            ?? throw new NotSupportedException($"{typeof(TRecord).Name} needs exactly one [VectorStoreVector] property.");
        var vectorAttribute = vector.GetCustomAttribute<VectorStoreVectorAttribute>()!;
        Dimension = vectorAttribute.Dimensions;
        Distance = vectorAttribute.DistanceFunction switch
        {
            null or DistanceFunction.CosineSimilarity or DistanceFunction.CosineDistance => DistanceMetric.Cosine,
            DistanceFunction.DotProductSimilarity => DistanceMetric.Dot,
            DistanceFunction.EuclideanDistance => DistanceMetric.L2,
            var other => throw new NotSupportedException($"Distance function '{other}' is not supported by Strata (use cosine, dot product or Euclidean)."),
        };
        data = [.. properties.Select(p => (Property: p, Attribute: p.GetCustomAttribute<VectorStoreDataAttribute>()))
            .Where(pair => pair.Attribute is not null)
            .Select(pair => (pair.Property, pair.Attribute!.StorageName ?? pair.Property.Name))];
        document = properties.FirstOrDefault(p => p.PropertyType == typeof(string) && p.GetCustomAttribute<VectorStoreDataAttribute>() is { IsFullTextIndexed: true });
    }

    public int Dimension { get; }

    public DistanceMetric Distance { get; }

    /// <summary>The metadata field a data property is stored under, or null when the property is not a data property.</summary>
    public string? FieldOf(MemberInfo member) => data.FirstOrDefault(d => d.Property.Name == member.Name).Name;

    public VectorRecord ToRecord(TRecord record)
    {
        var metadata = new JsonObject();
        foreach (var (property, name) in data)
        {
            if (property.GetValue(record) is { } value)
            {
                metadata[name] = JsonSerializer.SerializeToNode(value, property.PropertyType);
            }
        }

        var id = (string?)key.GetValue(record) ?? throw new ArgumentException($"{typeof(TRecord).Name}.{key.Name} is null: Strata does not generate keys.");
        return new VectorRecord(id, VectorOf(vector.GetValue(record)), document?.GetValue(record) as string, metadata);
    }

    public TRecord FromRecord(VectorRecord stored, bool includeVector)
    {
        var record = Activator.CreateInstance<TRecord>();
        key.SetValue(record, stored.Id);
        foreach (var (property, name) in data)
        {
            if (stored.Metadata?[name] is { } node)
            {
                property.SetValue(record, node.Deserialize(property.PropertyType));
            }
        }

        if (includeVector)
        {
            vector.SetValue(record, vector.PropertyType switch
            {
                var t when t == typeof(float[]) => stored.Vector,
                var t when t == typeof(Embedding<float>) => new Embedding<float>(stored.Vector),
                _ => (object)new ReadOnlyMemory<float>(stored.Vector),
            });
        }

        return record;
    }

    public static float[] VectorOf(object? value) => value switch
    {
        ReadOnlyMemory<float> memory => memory.ToArray(),
        float[] array => array,
        Embedding<float> embedding => embedding.Vector.ToArray(),
        null => throw new ArgumentException("The record's vector is null."),
        _ => throw new NotSupportedException($"Vectors of type {value.GetType().Name} are not supported (use ReadOnlyMemory<float>, float[] or Embedding<float>)."),
    };
}
