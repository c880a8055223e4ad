using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Strata.Core.Options;
using Strata.Data.Collections;
using Strata.Data.Search;
using Strata.Models.Catalog;
using Strata.Orchestration.Ingestion;
using Strata.Orchestration.Rag;
using Strata.Server.Knowledge;
using Strata.Server.OpenAi;

namespace Strata.Server.Endpoints;

/// <summary>Strata's API over vector collections: <c>/api/collections</c> (list, create, stats, drop), records and search.</summary>
public static class CollectionsEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapCollectionsEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/collections").WithTags("Collections")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapGet("/", List).WithSummary("List collections with their sizes");
        group.MapPost("/", CreateAsync).WithSummary("Create a collection (dimension probed from its embedding model when omitted)")
            .Produces<OpenAiError>(StatusCodes.Status409Conflict);
        group.MapGet("/{name}", async (OpenCollections collections, string name, CancellationToken cancellationToken) =>
                TypedResults.Ok(await DescribeAsync(await collections.GetAsync(name, cancellationToken), cancellationToken)))
            .WithSummary("A collection's count, size and index state");
        group.MapDelete("/{name}", Drop).WithSummary("Delete a collection with its documents and uploads");
        group.MapPost("/{name}/records", UpsertAsync).WithSummary("Insert or replace records, all or nothing (text without a vector is embedded)");
        group.MapGet("/{name}/records", Get).WithSummary("Records by id (repeat ?ids=)");
        group.MapPost("/{name}/records/delete", Delete).WithSummary("Delete records by ids or by a metadata filter");
        group.MapPost("/{name}/records/scroll", Scroll).WithSummary("Page through records in id order");
        group.MapPost("/{name}/search", SearchAsync).WithSummary("Dense, BM25 or hybrid search with an optional metadata filter");
        return routes;
    }

    private static async Task<Ok<List<CollectionInfo>>> List(OpenCollections collections, CancellationToken cancellationToken)
    {
        var infos = new List<CollectionInfo>();
        foreach (var name in await collections.Database.ListAsync(cancellationToken))
        {
            infos.Add(await DescribeAsync(await collections.GetAsync(name, cancellationToken), cancellationToken));
        }

        return TypedResults.Ok(infos);
    }

    private static async Task<Created<CollectionInfo>> CreateAsync(
        CreateCollectionRequest request, OpenCollections collections, ModelCatalog catalog, ModelsOptions models, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new OpenAiRequestException("'name' is required.", "name", "missing_required_parameter");
        }

        await collections.ExistsAsync(request.Name, cancellationToken); // validates the name before a model is loaded
        // Only a dimension: the collection holds vectors from elsewhere and records no model (text then needs one that fits).
        var model = request.EmbeddingModel ?? (request.Dimension is null ? models.DefaultEmbedding : null);
        int dimension;
        try
        {
            if (model is not null)
            {
                CheckEmbeddingModel(catalog, model);
            }

            dimension = request.Dimension ?? await CollectionIngestion.DimensionOfAsync(await catalog.GetEmbeddingGeneratorAsync(model!, cancellationToken), cancellationToken);
        }
        catch (Strata.Models.Store.ModelStoreException e)
        {
            throw new OpenAiRequestException(e.Message, "embeddingModel", e.Kind == Core.Errors.StrataErrorKind.NotFound ? "model_not_found" : "invalid_value",
                e.Kind == Core.Errors.StrataErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
        }

        var spec = new CollectionSpec(request.Name, dimension, KnowledgeRequests.Distance(request.Distance), model);
        try
        {
            spec.Validate();
        }
        catch (Data.StrataDataException e)
        {
            throw new OpenAiRequestException(e.Message, "dimension", "invalid_value");
        }

        var created = await collections.CreateAsync(spec, cancellationToken);
        // Escaped: a name may hold spaces and other letters, which a Location header cannot carry as they are.
        return TypedResults.Created($"/api/collections/{Uri.EscapeDataString(spec.Name)}", await DescribeAsync(created, cancellationToken));
    }

    /// <summary>
    /// The embedding model a new collection records must be one the catalog can resolve: a model name that is not even
    /// valid (a file path, say) is a 400, an unknown one a 404, both naming the field, before anything is created.
    /// </summary>
    private static void CheckEmbeddingModel(ModelCatalog catalog, string model)
    {
        if (catalog.TryResolveRemote(model, out _, out _) || catalog.List().Any(entry => entry.Name == model))
        {
            return;
        }

        if (Strata.Models.Store.ModelName.Validate(model) is { } problem)
        {
            throw new OpenAiRequestException($"'embeddingModel' is not a model name ('{Strata.Models.Store.ModelName.Shown(model)}': {problem}).", "embeddingModel", "invalid_value");
        }

        throw new OpenAiRequestException($"No model named '{model}' is known; GET /api/models lists them.", "embeddingModel", "model_not_found", StatusCodes.Status404NotFound);
    }

    private static async Task<Results<NoContent, NotFound>> Drop(OpenCollections collections, IngestionQueue queue, string name, CancellationToken cancellationToken)
    {
        await collections.ExistsAsync(name, cancellationToken); // an invalid name is a 400
        // Its documents' ingestion stops first, so nothing writes into the collection while it goes; from there on the
        // drop finishes even if the client goes away, so a collection is never left without its ledger.
        await queue.StopCollectionAsync(name);
        return await collections.DropAsync(name, CancellationToken.None) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Ok<WriteResult>> UpsertAsync(
        string name, UpsertRecordsRequest request, OpenCollections collections, Retriever retriever, TextEmbeddingCheck textCheck, CancellationToken cancellationToken)
    {
        var collection = await collections.GetAsync(name, cancellationToken);
        if (request.Records is not { Count: > 0 })
        {
            throw new OpenAiRequestException("'records' must hold at least one record.", "records", "invalid_value");
        }

        if (request.Records.Any(input => input is null))
        {
            throw new OpenAiRequestException("'records' must hold records, not null.", "records", "invalid_value");
        }

        foreach (var input in request.Records)
        {
            KnowledgeRequests.CheckVector(collection, input.Vector, "records");
        }

        if (request.Records.Any(input => input.Vector is null && input.Document is { Length: > 0 }))
        {
            await textCheck.EnsureAsync(collection, "records", cancellationToken);
        }

        var records = new List<VectorRecord>(request.Records.Count);
        foreach (var input in request.Records)
        {
            var vector = input.Vector
                ?? (input.Document is { Length: > 0 } text
                    ? await retriever.EmbedQueryAsync(collection, text, cancellationToken)
                    : throw new OpenAiRequestException($"Record '{input.Id}' has neither a vector nor a document to embed.", "records", "missing_vector"));
            records.Add(new VectorRecord(input.Id, vector, input.Document, input.Metadata));
        }

        return TypedResults.Ok(new WriteResult(await collection.UpsertAsync(records, cancellationToken)));
    }

    private static async Task<Ok<List<RecordView>>> Get(OpenCollections collections, string name, string[] ids, bool? includeVectors, CancellationToken cancellationToken)
    {
        var collection = await collections.GetAsync(name, cancellationToken);
        var records = await collection.GetAsync(ids, cancellationToken);
        return TypedResults.Ok(records.Select(r => KnowledgeRequests.View(r, includeVectors == true)).ToList());
    }

    private static async Task<Ok<WriteResult>> Delete(OpenCollections collections, string name, DeleteRecordsRequest request, CancellationToken cancellationToken)
    {
        var collection = await collections.GetAsync(name, cancellationToken);
        var filter = KnowledgeRequests.Filter(request.Filter);
        if ((request.Ids is not { Count: > 0 }) == (filter is null))
        {
            throw new OpenAiRequestException("Give either 'ids' or 'filter' (not both).", "ids", "invalid_value");
        }

        // The list is typed as strings, but JSON's null binds to it too.
        if (request.Ids is { } ids && ids.Any(id => id is null))
        {
            throw new OpenAiRequestException("Every id in 'ids' must be a string.", "ids", "invalid_type");
        }

        return TypedResults.Ok(new WriteResult(filter is null
            ? await collection.DeleteAsync(request.Ids!, cancellationToken)
            : await collection.DeleteAsync(filter, cancellationToken)));
    }

    private static async Task<Ok<ScrollResult>> Scroll(OpenCollections collections, string name, ScrollRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit ?? 100;
        if (limit is < 1 or > 1000)
        {
            throw new OpenAiRequestException("'limit' must be between 1 and 1000.", "limit", "invalid_value");
        }

        var collection = await collections.GetAsync(name, cancellationToken);
        var page = await collection.ScrollAsync(KnowledgeRequests.Filter(request.Filter), request.Cursor, limit, cancellationToken);
        return TypedResults.Ok(new ScrollResult(page.Records.Select(r => KnowledgeRequests.View(r, request.IncludeVectors)).ToList(), page.NextCursor));
    }

    private static async Task<Ok<SearchResponse>> SearchAsync(
        string name, SearchRequest request, OpenCollections collections, Retriever retriever, TextEmbeddingCheck textCheck, CancellationToken cancellationToken)
    {
        var collection = await collections.GetAsync(name, cancellationToken);
        var mode = KnowledgeRequests.Mode(request.Mode, RetrievalMode.Dense);
        var options = new SearchOptions
        {
            K = request.K ?? RagLimits.DefaultSearchK,
            Filter = KnowledgeRequests.Filter(request.Filter),
            IncludeVectors = request.IncludeVectors,
            Fusion = request.Fusion?.ToLowerInvariant() switch
            {
                null or "" or "weighted" => FusionMethod.WeightedScore,
                "rrf" => FusionMethod.ReciprocalRank,
                _ => throw new OpenAiRequestException($"'fusion' is '{request.Fusion}'; expected rrf or weighted.", "fusion", "invalid_value"),
            },
        };
        if (RagLimits.CheckSearchK(options.K, "'k'") is { } problem)
        {
            throw new OpenAiRequestException(problem, "k", "invalid_value");
        }

        IReadOnlyList<SearchHit> hits;
        if (request.Vector is { } vector)
        {
            KnowledgeRequests.CheckVector(collection, vector, "vector");
            hits = mode == RetrievalMode.Dense
                ? await collection.SearchAsync(vector, options, cancellationToken)
                : throw new OpenAiRequestException("A query 'vector' searches in dense mode only; send 'text' for bm25 or hybrid.", "mode", "invalid_value");
        }
        else if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new OpenAiRequestException("Send query 'text' (or a 'vector' for dense search).", "text", "missing_required_parameter");
        }
        else
        {
            if (mode != RetrievalMode.Bm25)
            {
                await textCheck.EnsureAsync(collection, "text", cancellationToken);
            }

            hits = await retriever.SearchAsync(collection, request.Text, mode, options, cancellationToken);
        }

        return TypedResults.Ok(new SearchResponse(hits.Select(h => new SearchResultView(h.Id, h.Score, h.Document, h.Metadata, h.Vector)).ToList()));
    }

    private static async Task<CollectionInfo> DescribeAsync(IVectorCollection collection, CancellationToken cancellationToken)
    {
        var stats = await collection.StatsAsync(cancellationToken);
        var spec = collection.Spec;
        return new CollectionInfo(spec.Name, stats.Count, spec.Dimension, spec.Distance.ToString().ToLowerInvariant(), spec.EmbeddingModel,
            stats.BytesOnDisk, stats.IndexState, stats.IndexNodes, stats.IndexTombstones);
    }
}
