using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Models.Catalog;
using Strata.Models.HuggingFace;
using Strata.Models.Store;
using Strata.Server.Images;
using Strata.Server.OpenAi;
using Strata.Server.Protocols;

namespace Strata.Server.Endpoints;

/// <summary>
/// Strata's model API: <c>GET /api/models</c> (the catalog with store details), <c>POST /api/models/pull</c> (a Hugging
/// Face pull streaming its progress as server-sent events, or NDJSON when asked with <c>Accept: application/x-ndjson</c>)
/// and <c>DELETE /api/models/{name}</c> (the name may hold a slash, as pulled models' OWNER/REPO names do).
/// </summary>
public static class ModelsApiEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapModelsApiEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/models").WithTags("Models");
        group.MapGet("/", List).WithSummary("Every model: stored, built in and remote, with capabilities and store details");
        group.MapPost("/pull", PullAsync)
            .WithSummary("Pull hf://OWNER/REPO[/PATH][@REVISION] into the store, streaming progress (SSE, or NDJSON with Accept: application/x-ndjson)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").Produces<OpenAiError>(StatusCodes.Status400BadRequest);
        // A catch-all: models pulled from the Hub are named OWNER/REPO, and the slash stays part of the name.
        group.MapDelete("/{**name}", Delete).WithSummary("Delete a model from the store").Produces<OpenAiError>(StatusCodes.Status404NotFound);
        return routes;
    }

    private static Ok<List<ModelView>> List(ModelCatalog catalog, ModelStore store, ImageGenerators images)
    {
        var manifests = store.List().Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var imageModels = images.List().ToDictionary(m => m.Name, StringComparer.Ordinal);
        return TypedResults.Ok(catalog.List().Select(entry =>
        {
            var manifest = manifests.GetValueOrDefault(entry.Name);
            var image = imageModels.GetValueOrDefault(entry.Name);
            var capabilities = ModelCapabilityNames.Of(entry, imageModels.Keys.ToHashSet(StringComparer.Ordinal));

            return new ModelView(entry.Name, entry.Location, entry.Format, entry.Size, capabilities, manifest?.Created, PublicSource(manifest?.Source),
                manifest?.Source.Revision, manifest?.Files.Count, manifest?.Metadata.Architecture, manifest?.Metadata.Parameters,
                manifest?.Metadata.ContextLength, manifest?.Metadata.Quantization, image is null ? null : $"{image.Width}x{image.Height}", entry.Failing);
        }).ToList());
    }

    /// <summary>Where a model came from, except a local import's file path, which is the server's business.</summary>
    private static string? PublicSource(ModelSource? source) => source switch
    {
        null => null,
        { Kind: "import" } => "import:" + Path.GetFileName(source.Uri),
        _ => source.Uri,
    };

    private static Results<NoContent, NotFound<OpenAiError>> Delete(ModelStore store, ImageGenerators images, string name)
    {
        if (ModelName.Validate(name) is { } problem)
        {
            throw new OpenAiRequestException($"Invalid model name '{ModelName.Shown(name)}': {problem}.", "name", "invalid_value");
        }

        if (Strata.Models.Embeddings.BuiltInEmbeddingModels.IsBuiltIn(name))
        {
            throw new OpenAiRequestException($"'{name}' is built in: it cannot be deleted (it comes back with the next use).", "name", "builtin_model", StatusCodes.Status409Conflict);
        }

        if (!store.Remove(name))
        {
            return TypedResults.NotFound(new OpenAiError(new OpenAiErrorBody($"The model '{name}' does not exist.", "invalid_request_error", "name", "model_not_found")));
        }

        images.Forget(name);
        return TypedResults.NoContent();
    }

    private static async Task PullAsync(HttpContext context, PullModelRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Source))
        {
            throw new OpenAiRequestException("'source' is required, e.g. hf://OWNER/REPO.", "source", "missing_required_parameter");
        }

        HubReference reference;
        try
        {
            reference = HubReference.Parse(request.Source);
        }
        catch (FormatException e)
        {
            throw new OpenAiRequestException(e.Message, "source", "invalid_source");
        }

        var puller = context.RequestServices.GetRequiredService<ModelPuller>();
        // Resolved now: the pull may fail after the client has gone and the request's services with it.
        var home = context.RequestServices.GetRequiredService<StrataPaths>().Home;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ModelsApiEndpoints));
        var ndjson = context.Request.Headers.Accept.ToString().Contains("application/x-ndjson", StringComparison.OrdinalIgnoreCase);
        var writer = new PullEventWriter(context.Response, ndjson);
        // Progress is reported on the downloader's thread; a channel hands it to this request's writer in order.
        var events = Channel.CreateUnbounded<PullEvent>(new UnboundedChannelOptions { SingleReader = true });
        var progress = new ChannelProgress(events.Writer);
        var pull = Task.Run(async () =>
        {
            try
            {
                var manifest = await puller.PullAsync(new HubPullRequest { Reference = reference, Name = request.Name, File = request.File }, progress, context.RequestAborted);
                events.Writer.TryWrite(new PullEvent("done", null, null, null, null, null, manifest.Name, manifest.Format.ToString().ToLowerInvariant(), manifest.Size, null));
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away: the partial download stays in the store for the next pull to resume.
            }
            catch (Exception e)
            {
                events.Writer.TryWrite(new PullEvent("error", null, null, null, null, null, null, null, null, ErrorMessage(e, home, logger)));
            }
            finally
            {
                events.Writer.TryComplete();
            }
        });

        await foreach (var update in events.Reader.ReadAllAsync(context.RequestAborted))
        {
            await writer.WriteAsync(update, context.RequestAborted);
        }

        await pull;
    }

    /// <summary>
    /// What a failed pull tells the client. Store and Hub errors are written for the user, with the server's own folders
    /// (a disk-space error names one) shown as STRATA_HOME; transport errors are named without their details; anything
    /// else is logged and reported generically, as the error middleware does for other routes.
    /// </summary>
    private static string ErrorMessage(Exception e, string home, ILogger logger)
    {
        switch (e)
        {
            case ModelStoreException or FormatException:
                return e.Message.Replace(home, "STRATA_HOME", StringComparison.Ordinal);
            case HttpRequestException or IOException:
                return "The download failed: " + e.GetType().Name;
            default:
                logger.LogError(e, "A model pull failed");
                return "The pull failed; the server's log has the details.";
        }
    }

    private sealed class ChannelProgress(ChannelWriter<PullEvent> writer) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => writer.TryWrite(new PullEvent(
            "progress", value.File, value.FileNumber, value.FileCount, value.BytesDone, value.TotalBytes, null, null, null, null));
    }

    private sealed class PullEventWriter(HttpResponse response, bool ndjson)
    {
        private readonly ServerSentEvents sse = new(response);

        public async Task WriteAsync(PullEvent update, CancellationToken cancellationToken)
        {
            if (!ndjson)
            {
                await sse.WriteAsync(update.Status, update, JsonSerializerOptions.Web, cancellationToken);
                return;
            }

            if (!response.HasStarted)
            {
                response.ContentType = "application/x-ndjson";
            }

            await JsonSerializer.SerializeAsync(response.Body, update, JsonSerializerOptions.Web, cancellationToken);
            await response.WriteAsync("\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}

/// <summary>The body of <c>POST /api/models/pull</c>.</summary>
/// <param name="Source"><c>hf://OWNER/REPO[/PATH][@REVISION]</c>.</param>
/// <param name="Name">The name in the store (default: the repository, lowercased).</param>
/// <param name="File">Which GGUF file when the repository has several.</param>
public sealed record PullModelRequest(string Source, string? Name = null, string? File = null);

/// <summary>One event of a pull: <c>progress</c>, then <c>done</c> or <c>error</c>.</summary>
/// <param name="Status"><c>progress</c>, <c>done</c> or <c>error</c>.</param>
/// <param name="File">The file being downloaded.</param>
/// <param name="FileNumber">Which file, from 1.</param>
/// <param name="FileCount">How many files.</param>
/// <param name="BytesDone">Bytes of the file on disk.</param>
/// <param name="TotalBytes">The file's size.</param>
/// <param name="Model">The stored model's name, when done.</param>
/// <param name="Format">Its format, when done.</param>
/// <param name="Size">Its size in bytes, when done.</param>
/// <param name="Message">What went wrong, on error.</param>
public sealed record PullEvent(
    string Status, string? File, int? FileNumber, int? FileCount, long? BytesDone, long? TotalBytes, string? Model, string? Format, long? Size, string? Message);

/// <summary>A model as <c>GET /api/models</c> shows it.</summary>
/// <param name="Name">The reference to use.</param>
/// <param name="Location"><c>local</c>, <c>builtin</c> or <c>remote</c>.</param>
/// <param name="Format">File format or remote protocol.</param>
/// <param name="Size">Bytes on disk.</param>
/// <param name="Capabilities"><c>chat</c>, <c>embeddings</c>, <c>images</c>.</param>
/// <param name="Created">When it entered the store.</param>
/// <param name="Source">Where it came from (hf://…, a file import).</param>
/// <param name="Revision">The source revision.</param>
/// <param name="Files">Files in the store.</param>
/// <param name="Architecture">The architecture, when known.</param>
/// <param name="Parameters">Parameter count, when known.</param>
/// <param name="ContextLength">Context length, when known.</param>
/// <param name="Quantization">Quantization, when known.</param>
/// <param name="ImageSize">Native image size, for image models.</param>
/// <param name="Failing">Why the model is marked failing (its runner crashed repeatedly); null when it is not.</param>
public sealed record ModelView(
    string Name, string Location, string Format, long? Size, IReadOnlyList<string> Capabilities, DateTimeOffset? Created, string? Source, string? Revision,
    int? Files, string? Architecture, long? Parameters, long? ContextLength, string? Quantization, string? ImageSize, string? Failing = null);
