using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Strata.Core.Options;
using Strata.Data.Collections;
using Strata.Data.Filters;
using Strata.Data.Search;
using Strata.Models.Catalog;
using Strata.Models.Reranking;
using Strata.Orchestration.Citations;

namespace Strata.Orchestration.Rag;

/// <summary>Finds the passages of a collection that answer a question: dense, BM25 or hybrid.</summary>
public sealed class Retriever
{
    private readonly Func<string, CancellationToken, Task<IEmbeddingGenerator<string, Embedding<float>>>> embedders;
    private readonly string defaultEmbeddingModel;

    /// <summary>Embeds queries with the models <paramref name="catalog"/> resolves.</summary>
    /// <param name="catalog">Resolves the collection's embedding model.</param>
    /// <param name="defaultEmbeddingModel">The model a collection without one of its own is embedded with (<c>Models:DefaultEmbedding</c>).</param>
    public Retriever(ModelCatalog catalog, string defaultEmbeddingModel = ModelsOptions.BuiltInEmbeddingModel)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        embedders = catalog.GetEmbeddingGeneratorAsync;
        this.defaultEmbeddingModel = defaultEmbeddingModel;
    }

    /// <summary>Embeds queries with the generator <paramref name="embedders"/> gives for a model name (BM25 search embeds nothing).</summary>
    public Retriever(
        Func<string, CancellationToken, Task<IEmbeddingGenerator<string, Embedding<float>>>> embedders, string defaultEmbeddingModel = ModelsOptions.BuiltInEmbeddingModel)
    {
        ArgumentNullException.ThrowIfNull(embedders);
        this.embedders = embedders;
        this.defaultEmbeddingModel = defaultEmbeddingModel;
    }

    /// <summary>The top <paramref name="k"/> hits for <paramref name="question"/>.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(
        IVectorCollection collection, string question, RetrievalMode mode, int k, MetadataFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return await SearchAsync(collection, question, mode, new SearchOptions { K = k, Filter = filter }, cancellationToken);
    }

    /// <summary>The hits for <paramref name="text"/> under full <paramref name="options"/> (k, filter, fusion...).</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(
        IVectorCollection collection, string text, RetrievalMode mode, SearchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(options);
        if (mode == RetrievalMode.Bm25)
        {
            return await collection.SearchTextAsync(text, options, cancellationToken);
        }

        var vector = await EmbedQueryAsync(collection, text, cancellationToken);
        return mode == RetrievalMode.Dense
            ? await collection.SearchAsync(vector, options, cancellationToken)
            : await collection.SearchHybridAsync(vector, text, options, cancellationToken);
    }

    /// <summary>Embeds <paramref name="text"/> with the collection's own model (the default embedding model when it names none).</summary>
    public async Task<float[]> EmbedQueryAsync(IVectorCollection collection, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var embedder = await embedders(collection.Spec.EmbeddingModel ?? defaultEmbeddingModel, cancellationToken);
        return (await embedder.GenerateAsync([text], cancellationToken: cancellationToken))[0].Vector.ToArray();
    }

    /// <summary>
    /// The <paramref name="k"/> best of <paramref name="hits"/> by <paramref name="reranker"/>, each scored with its
    /// relevance. The reranker reads each passage under its document title and section, as the embedder did.
    /// </summary>
    public static async Task<IReadOnlyList<SearchHit>> RerankAsync(IReranker reranker, string query, IReadOnlyList<SearchHit> hits, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reranker);
        ArgumentNullException.ThrowIfNull(hits);
        if (hits.Count == 0)
        {
            return hits;
        }

        var results = await reranker.RerankAsync(query, [.. hits.Select(PassageText)], k, cancellationToken);
        return [.. results.Select(r => hits[r.Index] with { Score = r.RelevanceScore })];
    }

    /// <summary>A hit's text under its document title and section path, the way ingestion embeds it.</summary>
    public static string PassageText(SearchHit hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        var section = Text(hit.Metadata, "section");
        var header = Data.Documents.RecursiveChunker.ContextHeader(Text(hit.Metadata, "title"), section is null ? [] : section.Split(" > "));
        return header is null ? hit.Document ?? "" : header + "\n\n" + hit.Document;
    }

    /// <summary>Numbers hits as context passages <c>[1]</c>, <c>[2]</c>, … with their source, page and chunk.</summary>
    public static IReadOnlyList<ContextPassage> ToPassages(IReadOnlyList<SearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        return hits.Select((hit, i) => new ContextPassage(
            i + 1,
            Text(hit.Metadata, "source") ?? hit.Id,
            Number(hit.Metadata, "page"),
            Number(hit.Metadata, "chunk") ?? 0,
            hit.Document ?? "",
            Text(hit.Metadata, "section"))).ToList();
    }

    private static string? Text(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Number(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue value && value.TryGetValue<double>(out var number) ? (int)number
        : metadata?[key] is JsonValue other && other.TryGetValue<int>(out var integer) ? integer : null;
}
