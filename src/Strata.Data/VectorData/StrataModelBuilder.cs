using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Strata.Data.VectorData;

/// <summary>
/// Builds the record model (attributes or a <see cref="VectorStoreCollectionDefinition"/>) with the rules of Strata's
/// storage: string, Guid, int and long keys (Guid, int and long generated when asked, and by default), any number of vectors (none included), and data
/// properties of the types <see cref="ValueCodec"/> stores.
/// </summary>
internal sealed class StrataModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    public const string SupportedVectorTypes = "ReadOnlyMemory<float>, Embedding<float>, float[]";

    private static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        RequiresAtLeastOneVector = false,
        SupportsMultipleVectors = true,
    };

    /// <summary>Builds the model of a record class, refusing a dictionary (that is what dynamic collections are for).</summary>
    public static CollectionModel For<TKey, TRecord>(VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? generator)
        => typeof(TRecord) == typeof(Dictionary<string, object?>)
            ? definition is null
                ? throw new ArgumentException("A dynamic (dictionary) collection needs a VectorStoreCollectionDefinition.", nameof(definition))
                : new StrataModelBuilder().BuildDynamic(definition, generator)
            : new StrataModelBuilder().Build(typeof(TRecord), typeof(TKey), definition, generator);

    /// <inheritdoc/>
    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        var type = keyProperty.Type;
        if (type != typeof(string) && type != typeof(Guid) && type != typeof(int) && type != typeof(long))
        {
            throw new NotSupportedException($"Key property '{keyProperty.ModelName}' is a {type.Name}: Strata keys are string, Guid, int or long.");
        }
    }

    /// <inheritdoc/>
    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) =>
        keyPropertyType == typeof(Guid) || keyPropertyType == typeof(int) || keyPropertyType == typeof(long);

    /// <inheritdoc/>
    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = ValueCodec.SupportedTypes;
        return ValueCodec.IsSupported(type);
    }

    /// <inheritdoc/>
    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = SupportedVectorTypes;
        return IsNativeVectorType(type);
    }

    /// <summary>Whether values of this type are vectors as they are; any other vector property needs an embedding generator.</summary>
    public static bool IsNativeVectorType(Type type) =>
        type == typeof(ReadOnlyMemory<float>) || type == typeof(ReadOnlyMemory<float>?) || type == typeof(Embedding<float>) || type == typeof(float[]);
}
