using System.CommandLine;
using System.Globalization;
using Strata.Cli.Output;
using Strata.Data.Collections;
using Strata.Data.Search;
using Strata.Models.Reranking;
using Strata.Orchestration.Rag;

namespace Strata.Cli.Commands;

/// <summary><c>strata search -c NAME (--vector JSON | TEXT) [--mode dense|bm25|hybrid] [--filter JSON] [-k 10] [--rerank MODEL] [--json]</c>.</summary>
internal static class SearchCommand
{
    /// <summary>How many candidates <c>--rerank</c> reads when k is smaller (the k = 20 the reranking cost is reported at).</summary>
    private const int RerankCandidates = 20;

    public static Command Create()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var text = new Argument<string?>("text") { Description = "Query text (embedded with the collection's model for dense search)", Arity = ArgumentArity.ZeroOrOne };
        var vector = new Option<string?>("--vector") { Description = "Query vector as a JSON array" };
        var mode = new Option<string>("--mode") { Description = "dense, bm25 or hybrid", DefaultValueFactory = _ => "dense" };
        var filter = new Option<string?>("--filter") { Description = "JSON metadata filter" };
        var k = new Option<int>("-k") { Description = $"Number of results ({RagLimits.MinSearchK}-{RagLimits.MaxSearchK})", DefaultValueFactory = _ => RagLimits.DefaultSearchK };
        var fusion = new Option<string?>("--fusion") { Description = "Hybrid fusion: weighted (min-max scores, the default) or rrf" };
        var rerank = new Option<string?>("--rerank") { Description = "A stored ONNX cross-encoder that reorders the candidates (reads max(k, 20) of them, keeps k)" };
        var json = CliOptions.Json();
        var command = new Command("search", "Search a collection by vector, text (BM25) or both") { collectionName, text, vector, mode, filter, k, fusion, rerank, json };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            if (RagLimits.CheckSearchK(parse.GetValue(k), "-k") is { } problem)
            {
                throw new CliUsageException(problem);
            }

            var context = CliContext.Create(parse);
            using var collection = await DataCommandSupport.Database(context).OpenAsync(parse.GetRequiredValue(collectionName), cancellationToken);
            var queryText = parse.GetValue(text);
            var vectorJson = parse.GetValue(vector);
            var rerankModel = parse.GetValue(rerank);
            if (rerankModel is not null && queryText is null)
            {
                throw new CliUsageException("--rerank needs query TEXT.");
            }

            var options = new SearchOptions
            {
                // A reranker reads more candidates than it keeps: what the first stage ranks 11th may belong first.
                K = rerankModel is null ? parse.GetValue(k) : Math.Max(parse.GetValue(k), RerankCandidates),
                Filter = DataCommandSupport.Filter(parse.GetValue(filter)),
                Fusion = parse.GetValue(fusion) switch
                {
                    null or "weighted" => FusionMethod.WeightedScore,
                    "rrf" => FusionMethod.ReciprocalRank,
                    var other => throw new CliUsageException($"--fusion must be weighted or rrf, got '{other}'."),
                },
            };
            async Task<float[]> QueryVector()
            {
                if (vectorJson is not null)
                {
                    return DataCommandSupport.Vector(vectorJson);
                }

                if (queryText is null)
                {
                    throw new CliUsageException("Give query TEXT or --vector JSON.");
                }

                return await context.Get<Retriever>().EmbedQueryAsync(collection, queryText, cancellationToken);
            }

            IReadOnlyList<SearchHit> hits = parse.GetValue(mode) switch
            {
                "dense" => await collection.SearchAsync(await QueryVector(), options, cancellationToken),
                "bm25" => await collection.SearchTextAsync(queryText ?? throw new CliUsageException("bm25 search needs query TEXT."), options, cancellationToken),
                "hybrid" => await collection.SearchHybridAsync(await QueryVector(), queryText ?? throw new CliUsageException("hybrid search needs query TEXT."), options, cancellationToken),
                var other => throw new CliUsageException($"--mode must be dense, bm25 or hybrid, got '{other}'."),
            };
            if (rerankModel is not null)
            {
                hits = await Retriever.RerankAsync(context.Get<RerankerCatalog>().Get(rerankModel), queryText!, hits, parse.GetValue(k), cancellationToken);
            }

            if (parse.GetValue(json))
            {
                return JsonOutput.Write(new { results = hits.Select(h => new { id = h.Id, score = h.Score, document = h.Document, metadata = h.Metadata }) });
            }

            foreach (var hit in hits)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hit.Score,10:0.0000}  {hit.Id}  {hit.Metadata?.ToJsonString()}  {hit.Document}"));
            }

            return 0;
        }));
        return command;
    }
}
