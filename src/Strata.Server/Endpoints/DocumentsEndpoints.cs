using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Strata.Server.Knowledge;
using Strata.Server.OpenAi;
using Strata.Server.Security;

namespace Strata.Server.Endpoints;

/// <summary>
/// Document upload and ingestion states: <c>POST /api/collections/{name}/documents</c> (multipart) saves each file under
/// <c>$STRATA_HOME/uploads</c> and queues it; <c>GET</c> lists the states; a document's chunks back the citation view.
/// </summary>
public static class DocumentsEndpoints
{
    /// <summary>Room for the multipart framing around the files themselves.</summary>
    private const long MultipartOverhead = 64 * 1024;

    /// <summary>Maps the routes; uploads may be up to <see cref="RequestLimits.MaxUploadBytes"/>.</summary>
    public static IEndpointRouteBuilder MapDocumentsEndpoints(this IEndpointRouteBuilder routes, RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var group = routes.MapGroup("/api/collections/{name}/documents").WithTags("Documents")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPost("/", UploadAsync)
            .WithSummary("Upload documents as multipart/form-data (field 'file', repeatable); each is saved and queued for ingestion")
            .WithMetadata(new UploadSizeLimit(limits.MaxUploadBytes + MultipartOverhead))
            .Produces<OpenAiError>(StatusCodes.Status413PayloadTooLarge).Produces<OpenAiError>(StatusCodes.Status429TooManyRequests)
            // Read from the raw form rather than bound, so API clients need no antiforgery token: an upload needs an API
            // key, the script header (which a form on another site cannot send) or the token (CheckUploadOriginAsync).
            .DisableAntiforgery();
        group.MapGet("/", List).WithSummary("The collection's documents with their states (queued, processing, ready, failed with a reason)");
        group.MapGet("/{document}", Get).WithSummary("One document's state");
        group.MapDelete("/{document}", DeleteAsync).WithSummary("Remove a document: its chunks, its upload and its record; stops its ingestion if it runs");
        group.MapGet("/{document}/chunks", Chunks).WithSummary("A document's stored chunks in order (what citations point at)");
        return routes;
    }

    private static async Task<Accepted<List<DocumentView>>> UploadAsync(
        HttpContext context, string name, OpenCollections collections, UploadFolder uploads, IngestionQueue queue, RequestLimits limits, TextEmbeddingCheck text)
    {
        var collection = await collections.GetAsync(name, context.RequestAborted);
        if (!context.Request.HasFormContentType)
        {
            throw new OpenAiRequestException("Send the documents as multipart/form-data with one or more 'file' fields.", "file", "invalid_content_type");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or (IOException and not BadHttpRequestException) && !context.RequestAborted.IsCancellationRequested)
        {
            // A body that is not the multipart it claims (no boundary, cut short, headers that never end).
            throw new OpenAiRequestException($"The upload is not a readable multipart/form-data body: {e.Message}", "file", "invalid_upload");
        }

        await CheckUploadOriginAsync(context);
        await text.EnsureAsync(collection, "file", context.RequestAborted);

        if (form.Files.FirstOrDefault(f => f.Name != "file") is { } stray)
        {
            throw new OpenAiRequestException($"Files are sent in fields named 'file', not '{Strata.Models.Store.ModelName.Shown(stray.Name)}'.", "file", "invalid_value");
        }

        if (form.Files.Count == 0)
        {
            throw new OpenAiRequestException("The upload holds no file: send one or more 'file' fields.", "file", "missing_required_parameter");
        }

        if (form.Files.FirstOrDefault(f => f.Length > limits.MaxUploadBytes) is { } large)
        {
            throw new OpenAiRequestException($"'{UploadFolder.SafeName(large.FileName)}' is larger than the {limits.MaxUploadBytes} bytes this server accepts.",
                "file", "request_too_large", StatusCodes.Status413PayloadTooLarge);
        }

        // Staged first and moved into place only once the queue has taken them all: a refused upload replaces nothing.
        var staged = new List<StagedUpload>(form.Files.Count);
        try
        {
            foreach (var file in form.Files)
            {
                await using var content = file.OpenReadStream();
                staged.Add(new StagedUpload(await uploads.StageAsync(name, content, context.RequestAborted), uploads.PathOf(name, UploadFolder.SafeName(file.FileName))));
            }
        }
        catch
        {
            staged.ForEach(upload => UploadFolder.Discard(upload.Staged));
            throw;
        }

        var documents = queue.Enqueue(name, staged).Select(DocumentNames.View).ToList();
        return TypedResults.Accepted($"/api/collections/{Uri.EscapeDataString(name)}/documents", documents);
    }

    /// <summary>
    /// A multipart body is the one kind of upload that an HTML form on any site can send without asking the server
    /// first. So an upload must show that it is not such a form: it carries an accepted API key, or the
    /// <see cref="BrowserRequestGuard.ScriptHeader"/> header (a page can only add it through a CORS preflight, which the
    /// server answers for its own pages and <c>Server:Cors:Origins</c> only), or the antiforgery token of a form this
    /// server rendered. Checked after the form is read, so the token may come in the form.
    /// </summary>
    /// <exception cref="OpenAiRequestException">None of the three (403).</exception>
    private static async Task CheckUploadOriginAsync(HttpContext context)
    {
        if (ApiKeyIdentity.Of(context) is { ByKey: true } || !StringValues.IsNullOrEmpty(context.Request.Headers[BrowserRequestGuard.ScriptHeader]))
        {
            return;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            throw new OpenAiRequestException(
                $"An upload needs the header '{BrowserRequestGuard.ScriptHeader}: 1' (or an API key, or the antiforgery token of a form this server rendered): " +
                "a plain HTML form on another site must not be able to add documents.",
                BrowserRequestGuard.ScriptHeader, "missing_request_header", StatusCodes.Status403Forbidden);
        }
    }

    private static async Task<NoContent> DeleteAsync(KnowledgeDocuments documents, IngestionQueue queue, string name, string document, CancellationToken cancellationToken)
    {
        var source = (await documents.FindAsync(name, document, cancellationToken)).Source;
        await queue.StopDocumentAsync(name, source);
        // Not the request's token: once ingestion has stopped, a client that goes away must not leave half a removal.
        await documents.RemoveAsync(name, source, CancellationToken.None);
        queue.Forget(name, source);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<DocumentView>>> List(KnowledgeDocuments documents, string name, CancellationToken cancellationToken) =>
        TypedResults.Ok((await documents.ListAsync(name, cancellationToken)).Select(DocumentNames.View).ToList());

    private static async Task<Ok<DocumentView>> Get(KnowledgeDocuments documents, string name, string document, CancellationToken cancellationToken) =>
        TypedResults.Ok(DocumentNames.View(await documents.FindAsync(name, document, cancellationToken)));

    private static async Task<Ok<IReadOnlyList<ChunkView>>> Chunks(KnowledgeDocuments documents, string name, string document, CancellationToken cancellationToken) =>
        TypedResults.Ok(await documents.ChunksAsync(name, document, cancellationToken));

    /// <summary>Raises Kestrel's body limit for this route only: uploads are larger than API requests.</summary>
    private sealed class UploadSizeLimit(long bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => bytes;
    }
}
