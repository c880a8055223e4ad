using System.ComponentModel;
using Microsoft.Extensions.AI;
using Strata.Data.Collections;
using Strata.Data.Ingestion;
using Strata.Orchestration.Rag;

namespace Strata.Orchestration.Tools;

/// <summary>
/// A collection's operations as <see cref="AIFunction"/>s a model can call. Reading tools run directly; tools that
/// change data are <see cref="ApprovalRequiredAIFunction"/>s, so the function-invoking client asks the caller first.
/// </summary>
public static class CollectionTools
{
    /// <summary>Passages returned to the model per search, and the characters kept of each, so tool results fit small contexts.</summary>
    private const int Passages = 3;

    private const int PassageCharacters = 600;

    /// <summary>Tools over <paramref name="collection"/>: <c>search_documents</c>, <c>count_documents</c> and, with approval, <c>delete_source</c>.</summary>
    public static IReadOnlyList<AITool> For(IVectorCollection collection, Retriever retriever)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var search = AIFunctionFactory.Create(
            async ([Description("What to look for")] string query, CancellationToken cancellationToken) =>
            {
                var hits = await retriever.SearchAsync(collection, query, RetrievalMode.Hybrid, Passages, cancellationToken: cancellationToken);
                return Retriever.ToPassages(hits)
                    .Select(p => new { n = p.Number, source = p.Source, page = p.PageNumber, text = p.Text.Length <= PassageCharacters ? p.Text : p.Text[..PassageCharacters] })
                    .ToList();
            },
            "search_documents",
            $"Searches the '{collection.Spec.Name}' collection and returns the best matching passages with their sources.");
        var count = AIFunctionFactory.Create(
            (CancellationToken cancellationToken) => collection.CountAsync(cancellationToken: cancellationToken),
            "count_documents",
            $"Counts the chunks stored in the '{collection.Spec.Name}' collection.");
        var delete = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(
            ([Description("The source path whose chunks are deleted")] string source, CancellationToken cancellationToken) =>
                collection.DeleteAsync(IngestionPipeline.SourceFilter(source), cancellationToken),
            "delete_source",
            $"Deletes every chunk of one source document from the '{collection.Spec.Name}' collection. Changes data: needs approval."));
        return [search, count, delete];
    }
}
