using System.CommandLine;
using System.Globalization;
using Strata.Cli.Output;
using Strata.Data.Collections;
using Strata.Data.Search;
using Strata.Orchestration.Rag;

namespace Strata.Cli.Commands;

/// <summary><c>strata search -c NAME (--vector JSON | TEXT) [--mode dense|bm25|hybrid] [--filter JSON] [-k 10] [--json]</c>.</summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var collectionName = new Option<string>("--collection", "-c") { Description = "The collection", Required = true };
        var text = new Argument<string?>("text") { Description = "Query text (embedded with the collection's model for dense search)", Arity = ArgumentArity.ZeroOrOne };
        var vector = new Option<string?>("--vector") { Description = "Query vector as a JSON array" };
        var mode = new Option<string>("--mode") { Description = "dense, bm25 or hybrid", DefaultValueFactory = _ => "dense" };
        var filter = new Option<string?>("--filter") { Description = "JSON metadata filter" };
        var k = new Option<int>("-k") { Description = $"Number of results ({RagLimits.MinSearchK}-{RagLimits.MaxSearchK})", DefaultValueFactory = _ => RagLimits.DefaultSearchK };
        var fusion = new Option<string>("--fusion") { Description = "Hybrid fusion: rrf or weighted", DefaultValueFactory = _ => "rrf" };
        var json = CliOptions.Json();
        var command = new Command("search", "Search a collection by vector, text (BM25) or both") { collectionName, text, vector, mode, filter, k, fusion, json };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            if (RagLimits.CheckSearchK(parse.GetValue(k), "-k") is { } problem)
            {
                throw new CliUsageException(problem);
            }

            var context = CliContext.Create(parse);
            using var collection = DataCommandSupport.Database(context).Open(parse.GetRequiredValue(collectionName));
            var queryText = parse.GetValue(text);
            var vectorJson = parse.GetValue(vector);
            var options = new SearchOptions
            {
                K = parse.GetValue(k),
                Filter = DataCommandSupport.Filter(parse.GetValue(filter)),
                Fusion = parse.GetValue(fusion) == "weighted" ? FusionMethod.WeightedScore : FusionMethod.ReciprocalRank,
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
                "dense" => collection.Search(await QueryVector(), options),
                "bm25" => collection.SearchText(queryText ?? throw new CliUsageException("bm25 search needs query TEXT."), options),
                "hybrid" => collection.SearchHybrid(await QueryVector(), queryText ?? throw new CliUsageException("hybrid search needs query TEXT."), options),
                var other => throw new CliUsageException($"--mode must be dense, bm25 or hybrid, got '{other}'."),
            };
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
