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
        group.MapGet("/{name}", (OpenCollections collections, string name) => TypedResults.Ok(Describe(collections.Get(name))))
            .WithSummary("A collection's count, size and index state");
        group.MapDelete("/{name}", Drop).WithSummary("Delete a collection with its documents and uploads");
        group.MapPost("/{name}/records", UpsertAsync).WithSummary("Insert or replace records, all or nothing (text without a vector is embedded)");
        group.MapGet("/{name}/records", Get).WithSummary("Records by id (repeat ?ids=)");
        group.MapPost("/{name}/records/delete", Delete).WithSummary("Delete records by ids or by a metadata filter");
        group.MapPost("/{name}/records/scroll", Scroll).WithSummary("Page through records in id order");
        group.MapPost("/{name}/search", SearchAsync).WithSummary("Dense, BM25 or hybrid search with an optional metadata filter");
        return routes;
    }

    private static Ok<List<CollectionInfo>> List(OpenCollections collections) =>
        TypedResults.Ok(collections.Database.List().Select(name => Describe(collections.Get(name))).ToList());

    private static async Task<Created<CollectionInfo>> CreateAsync(
        CreateCollectionRequest request, OpenCollections collections, ModelCatalog catalog, ModelsOptions models, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new OpenAiRequestException("'name' is required.", "name", "missing_required_parameter");
        }

        collections.Exists(request.Name); // validates the name before a model is loaded
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

        var created = collections.Create(spec);
        return TypedResults.Created($"/api/collections/{spec.Name}", Describe(created));
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

    private static async Task<Results<NoContent, NotFound>> Drop(OpenCollections collections, IngestionQueue queue, string name)
    {
        collections.Exists(name); // an invalid name is a 400
        // Its documents' ingestion stops first, so nothing writes into the collection while it goes.
        await queue.StopCollectionAsync(name);
        return collections.Drop(name) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Ok<WriteResult>> UpsertAsync(
        string name, UpsertRecordsRequest request, OpenCollections collections, Retriever retriever, TextEmbeddingCheck textCheck, CancellationToken cancellationToken)
    {
        var collection = collections.Get(name);
        if (request.Records is not { Count: > 0 })
        {
            throw new OpenAiRequestException("'records' must hold at least one record.", "records", "invalid_value");
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

        return TypedResults.Ok(new WriteResult(collection.Upsert(records)));
    }

    private static Ok<List<RecordView>> Get(OpenCollections collections, string name, string[] ids, bool? includeVectors) =>
        TypedResults.Ok(collections.Get(name).Get(ids).Select(r => KnowledgeRequests.View(r, includeVectors == true)).ToList());

    private static Ok<WriteResult> Delete(OpenCollections collections, string name, DeleteRecordsRequest request)
    {
        var collection = collections.Get(name);
        var filter = KnowledgeRequests.Filter(request.Filter);
        if ((request.Ids is not { Count: > 0 }) == (filter is null))
        {
            throw new OpenAiRequestException("Give either 'ids' or 'filter' (not both).", "ids", "invalid_value");
        }

        return TypedResults.Ok(new WriteResult(filter is null ? collection.Delete(request.Ids!) : collection.Delete(filter)));
    }

    private static Ok<ScrollResult> Scroll(OpenCollections collections, string name, ScrollRequest request)
    {
        var limit = request.Limit ?? 100;
        if (limit is < 1 or > 1000)
        {
            throw new OpenAiRequestException("'limit' must be between 1 and 1000.", "limit", "invalid_value");
        }

        var page = collections.Get(name).Scroll(KnowledgeRequests.Filter(request.Filter), request.Cursor, limit);
        return TypedResults.Ok(new ScrollResult(page.Records.Select(r => KnowledgeRequests.View(r, request.IncludeVectors)).ToList(), page.NextCursor));
    }

    private static async Task<Ok<SearchResponse>> SearchAsync(
        string name, SearchRequest request, OpenCollections collections, Retriever retriever, TextEmbeddingCheck textCheck, CancellationToken cancellationToken)
    {
        var collection = collections.Get(name);
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
                ? collection.Search(vector, options)
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

    private static CollectionInfo Describe(IVectorCollection collection)
    {
        var stats = collection.Stats();
        var spec = collection.Spec;
        return new CollectionInfo(spec.Name, stats.Count, spec.Dimension, spec.Distance.ToString().ToLowerInvariant(), spec.EmbeddingModel,
            stats.BytesOnDisk, stats.IndexState, stats.IndexNodes, stats.IndexTombstones);
    }
}
