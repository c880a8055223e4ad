using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Strata.Models.Catalog;
using Strata.Models.Store;
using Strata.Server.Images;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's model management over Strata's store: <c>GET /api/tags</c>, <c>POST /api/show</c>, <c>GET /api/ps</c>,
/// <c>GET /api/version</c>, <c>DELETE /api/delete</c>, <c>POST /api/copy</c> (pulls: <see cref="OllamaPullEndpoint"/>).
/// </summary>
public static class OllamaModelEndpoints
{
    /// <summary>
    /// The version of Ollama's API these routes follow. Ollama's clients compare it to enable features (structured
    /// output needs 0.5 or later); Strata's own version is in <c>/health</c>.
    /// </summary>
    public const string ApiVersion = "0.12.0";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOllamaModelEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/tags", (ModelCatalog catalog, ModelStore store) => Results.Json(new { models = LocalModels(catalog, store).Select(m => Describe(m.Entry, m.Manifest)).ToList() }, OllamaJson.Options))
            .WithTags("Ollama").WithName("OllamaTags");
        routes.MapPost("/api/show", ShowAsync).WithTags("Ollama").WithName("OllamaShow");
        routes.MapGet("/api/ps", Running).WithTags("Ollama").WithName("OllamaRunning");
        routes.MapGet("/api/version", () => Results.Json(new { version = ApiVersion })).WithTags("Ollama").WithName("OllamaVersion");
        routes.MapDelete("/api/delete", DeleteAsync).WithTags("Ollama").WithName("OllamaDelete");
        routes.MapPost("/api/copy", CopyAsync).WithTags("Ollama").WithName("OllamaCopy");
        // Modelfiles and registry pushes have no counterpart in Strata's store: a clear refusal, not a 404 that reads
        // like a wrong address.
        routes.MapPost("/api/create", () => NotSupported("creating models from a Modelfile is not supported by Strata; import a GGUF with 'strata models import' or pull one with /api/pull"))
            .WithTags("Ollama").WithName("OllamaCreate");
        routes.MapPost("/api/push", () => NotSupported("pushing models to a registry is not supported by Strata"))
            .WithTags("Ollama").WithName("OllamaPush");
        return routes;
    }

    private static IEnumerable<(CatalogEntry Entry, ModelManifest? Manifest)> LocalModels(ModelCatalog catalog, ModelStore store)
    {
        var manifests = store.List().Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        // Ollama lists what it can run: local chat and embedding models, not remote providers' or image models.
        return catalog.List().Where(e => e.Location != "remote" && e.Capabilities != ModelCapabilities.None)
            .Select(e => (e, manifests.GetValueOrDefault(e.Name)));
    }

    private static Dictionary<string, object?> Describe(CatalogEntry entry, ModelManifest? manifest) => new()
    {
        ["name"] = entry.Name,
        ["model"] = entry.Name,
        ["modified_at"] = (manifest?.Created ?? DateTimeOffset.UnixEpoch).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["size"] = entry.Size ?? 0,
        ["digest"] = manifest?.Files.FirstOrDefault()?.Digest.Replace("sha256:", "", StringComparison.Ordinal) ?? "",
        ["details"] = Details(entry, manifest),
    };

    private static Dictionary<string, object?> Details(CatalogEntry entry, ModelManifest? manifest) => new()
    {
        ["parent_model"] = "",
        ["format"] = entry.Format,
        ["family"] = manifest?.Metadata.Architecture ?? "",
        ["families"] = manifest?.Metadata.Architecture is { } family ? new[] { family } : null,
        ["parameter_size"] = manifest?.Metadata.Parameters is { } count ? ParameterSize(count) : "",
        ["quantization_level"] = manifest?.Metadata.Quantization ?? "",
    };

    private static async Task<IResult> ShowAsync(HttpContext context, ModelCatalog catalog, ModelStore store)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var name = ModelField(body.RootElement);
        var reference = OllamaNames.Resolve(name, store);
        var (entry, manifest) = LocalModels(catalog, store).FirstOrDefault(m => m.Entry.Name == reference);
        if (entry is null)
        {
            throw NotFound(name);
        }

        // Ollama's capability names: completion (chat and generate), tools, embedding.
        var capabilities = new List<string>();
        if (entry.Capabilities.HasFlag(ModelCapabilities.Chat))
        {
            capabilities.AddRange(["completion", "tools"]);
        }

        if (entry.Capabilities.HasFlag(ModelCapabilities.Embeddings))
        {
            capabilities.Add("embedding");
        }

        var info = new Dictionary<string, object?>();
        if (manifest?.Metadata.Architecture is { } architecture)
        {
            info["general.architecture"] = architecture;
            info[$"{architecture}.context_length"] = manifest.Metadata.ContextLength;
            info["general.parameter_count"] = manifest.Metadata.Parameters;
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["modelfile"] = "",
            ["parameters"] = "",
            ["template"] = "",
            ["details"] = Details(entry, manifest),
            ["model_info"] = info,
            ["capabilities"] = capabilities,
            ["modified_at"] = (manifest?.Created ?? DateTimeOffset.UnixEpoch).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }, OllamaJson.Options);
    }

    private static IResult Running(ModelCatalog catalog, ModelStore store, Strata.Core.Options.ModelsOptions models)
    {
        var manifests = store.List().Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var expires = DateTimeOffset.UtcNow.AddSeconds(models.IdleSeconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new
        {
            models = catalog.LoadedChatModels().Select(loaded => new Dictionary<string, object?>
            {
                ["name"] = loaded.Reference,
                ["model"] = loaded.Reference,
                ["size"] = manifests.GetValueOrDefault(loaded.Reference)?.Size ?? 0,
                ["digest"] = manifests.GetValueOrDefault(loaded.Reference)?.Files.FirstOrDefault()?.Digest.Replace("sha256:", "", StringComparison.Ordinal) ?? "",
                ["expires_at"] = expires,
                ["size_vram"] = 0,
                ["context_length"] = loaded.ContextSize,
            }).ToList(),
        }, OllamaJson.Options);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, ModelStore store, ImageGenerators images)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var name = ModelField(body.RootElement);
        var reference = OllamaNames.Resolve(name, store);
        if (!store.Remove(reference))
        {
            throw NotFound(name);
        }

        images.Forget(reference);
        return Results.Ok();
    }

    private static async Task<IResult> CopyAsync(HttpContext context, ModelStore store)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var source = JsonFields.RequiredString(body.RootElement, "source", "");
        var destination = JsonFields.RequiredString(body.RootElement, "destination", "");
        var manifest = store.Find(OllamaNames.Resolve(source, store)) ?? throw NotFound(source);
        var name = ModelName.Validate(destination) is null ? destination : ModelName.Normalize(destination);
        // Blobs are content-addressed and removed only when no manifest uses them, so the copy shares them.
        store.SaveManifest(manifest with { Name = name, Created = DateTimeOffset.UtcNow });
        return Results.Ok();
    }

    // Ollama's clients send "model"; older ones "name".
    private static string ModelField(JsonElement body) =>
        JsonFields.String(body, "model", "") ?? JsonFields.String(body, "name", "")
        ?? throw new OpenAiRequestException("'model' is required.", "model", "missing_required_parameter");

    private static OpenAiRequestException NotFound(string name) =>
        new($"model '{name}' not found", "model", "model_not_found", StatusCodes.Status404NotFound);

    private static string ParameterSize(long count) => count switch
    {
        >= 1_000_000_000 => $"{count / 1e9:0.#}B",
        >= 1_000_000 => $"{count / 1e6:0.#}M",
        >= 1_000 => $"{count / 1e3:0.#}K",
        _ => count.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static IResult NotSupported(string message) =>
        Results.Json(new { error = message }, OllamaJson.Options, statusCode: StatusCodes.Status501NotImplemented);
}
