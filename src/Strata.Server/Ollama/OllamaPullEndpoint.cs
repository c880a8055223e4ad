using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Strata.Models.HuggingFace;
using Strata.Models.Store;
using Strata.Server.OpenAi;

namespace Strata.Server.Ollama;

/// <summary>
/// Ollama's <c>POST /api/pull</c> for the names Ollama itself maps onto the Hugging Face Hub,
/// <c>hf.co/OWNER/REPO[:QUANT]</c>: the repository is pulled through Strata's Hub pull, the GGUF file chosen by the
/// quantisation tag, and progress streamed as Ollama's status lines (<c>pulling manifest</c>, <c>pulling DIGEST</c>
/// with total and completed bytes, <c>success</c>). The model is stored under the name as requested (lowercased), so
/// the same name works in <c>/api/chat</c> afterwards. Ollama's own library names have no source here and get a 400.
/// </summary>
public static partial class OllamaPullEndpoint
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapOllamaPullEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/pull", PullAsync).WithTags("Ollama").WithName("OllamaPull");
        return routes;
    }

    private static async Task PullAsync(HttpContext context, ModelPuller puller, ILoggerFactory loggers)
    {
        using var body = await RequestBody.ReadJsonAsync(context);
        var name = JsonFields.String(body.RootElement, "model", "") ?? JsonFields.RequiredString(body.RootElement, "name", "");
        var match = HubName().Match(name);
        if (!match.Success)
        {
            throw new OpenAiRequestException(
                $"'{name}' cannot be pulled: this server pulls from the Hugging Face Hub, named hf.co/OWNER/REPO[:QUANT].", "model", "invalid_value");
        }

        var quant = match.Groups["quant"].Success ? match.Groups["quant"].Value : null;
        var request = new HubPullRequest
        {
            Reference = HubReference.Parse($"{HubReference.Scheme}{match.Groups["owner"].Value}/{match.Groups["repo"].Value}"),
            Name = ModelName.Normalize(name),
            Chooser = files => Choose(files, quant),
        };
        var stream = !body.RootElement.TryGetProperty("stream", out var flag) || flag.ValueKind != System.Text.Json.JsonValueKind.False;
        var lines = new NdjsonWriter(context.Response);
        // Progress arrives on the downloader's thread; a channel hands it to this request in order.
        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        events.Writer.TryWrite(new { status = "pulling manifest" });
        var logger = loggers.CreateLogger(typeof(OllamaPullEndpoint));
        var failure = StatusCodes.Status200OK;
        var pull = Task.Run(async () =>
        {
            try
            {
                await puller.PullAsync(request, new Progress(events.Writer), context.RequestAborted);
                events.Writer.TryWrite(new { status = "verifying sha256 digest" });
                events.Writer.TryWrite(new { status = "writing manifest" });
                events.Writer.TryWrite(new { status = "success" });
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away: the partial download stays for the next pull to resume.
            }
            catch (Exception e) when (e is HubException or ModelStoreException or FormatException or HttpRequestException or IOException)
            {
                logger.LogWarning(e, "An Ollama-style pull of {Name} failed", name);
                // What the Hub or the store refused is the request's problem; a broken download is the upstream's.
                failure = e is HubException or ModelStoreException or FormatException ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway;
                events.Writer.TryWrite(new { error = e is HubException or ModelStoreException or FormatException ? e.Message : "The download failed: " + e.GetType().Name });
            }
            finally
            {
                events.Writer.TryComplete();
            }
        });

        object? last = null;
        await foreach (var line in events.Reader.ReadAllAsync(context.RequestAborted))
        {
            last = line;
            if (stream)
            {
                await lines.WriteAsync(line, flush: true, context.RequestAborted);
            }
        }

        await pull;
        if (!stream && last is not null)
        {
            // Unstreamed, Ollama answers with the last status only, or an error.
            context.Response.StatusCode = failure;
            await OllamaJson.WriteAsync(context, last);
        }
    }

    private static HubFile? Choose(IReadOnlyList<HubFile> ggufs, string? quant) =>
        quant is null
            ? ggufs.FirstOrDefault(f => f.Name.Contains("Q4_K_M", StringComparison.OrdinalIgnoreCase)) ?? ggufs[0]
            : ggufs.Where(f => f.Name.Contains(quant, StringComparison.OrdinalIgnoreCase)).OrderBy(f => f.Name.Length).FirstOrDefault()
              ?? throw new HubException($"No GGUF file of the repository matches the tag '{quant}'. Files: {string.Join(", ", ggufs.Select(f => f.Name))}");

    [GeneratedRegex(@"^(?:https?://)?(?:hf\.co|huggingface\.co)/(?<owner>[A-Za-z0-9][\w.-]*)/(?<repo>[\w.-]+)(?::(?<quant>[\w.-]+))?$")]
    private static partial Regex HubName();

    private sealed class Progress(ChannelWriter<object> writer) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => writer.TryWrite(new
        {
            status = $"pulling {value.File}",
            digest = value.File,
            total = value.TotalBytes,
            completed = value.BytesDone,
        });
    }
}
