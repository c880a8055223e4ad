using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Strata.Data.VectorData;

/// <summary>Options of a <see cref="StrataVectorStore"/>.</summary>
public sealed class StrataVectorStoreOptions
{
    /// <summary>The embedding generator of every collection that names none itself (see <see cref="VectorStoreVectorProperty.EmbeddingGenerator"/>).</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; init; }
}

/// <summary>Options of a <see cref="StrataVectorStoreCollection{TKey, TRecord}"/>.</summary>
public sealed class StrataVectorStoreCollectionOptions
{
    /// <summary>The record schema; when null, it comes from the record type's [VectorStore*] attributes.</summary>
    public VectorStoreCollectionDefinition? Definition { get; init; }

    /// <summary>The embedding generator of vector properties that name none themselves.</summary>
    public IEmbeddingGenerator? EmbeddingGenerator { get; init; }
}
