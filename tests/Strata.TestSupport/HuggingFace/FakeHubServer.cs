using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Strata.TestSupport.HuggingFace;

/// <summary>
/// A real HTTP server speaking the Hub's protocol on 127.0.0.1, with a second server on "localhost" as the CDN that
/// LFS files redirect to (a different host, as on huggingface.co), and switchable faults.
/// </summary>
public sealed class FakeHubServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeRepository> repositories = new(StringComparer.Ordinal);
    private readonly WebApplication hub;
    private readonly WebApplication cdn;
    private int cutsLeft;

    private FakeHubServer(WebApplication hub, WebApplication cdn)
    {
        this.hub = hub;
        this.cdn = cdn;
    }

    /// <summary>The hub's base address, http://127.0.0.1:PORT/.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The CDN's base address, http://localhost:PORT/.</summary>
    public Uri CdnEndpoint { get; private set; } = null!;

    /// <summary>Every request either server received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>When set, repositories answer 401 unless this bearer token is sent.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Bodies longer than this are cut (connection aborted) after this many bytes, while cuts are left.</summary>
    public int CutAfterBytes { get; set; }

    /// <summary>Paths whose bytes are served with one byte flipped, under the correct checksum headers.</summary>
    public HashSet<string> CorruptPaths { get; } = [];

    /// <summary>When set, bodies stop after <see cref="CutAfterBytes"/> bytes and hang until the client gives up.</summary>
    public TaskCompletionSource? StallReached { get; set; }

    /// <summary>Renamed repositories: requests for the old id get a relative 307 to the new one, as on the Hub.</summary>
    public ConcurrentDictionary<string, string> Renamed { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the file-list API answers with this status.</summary>
    public HttpStatusCode? ApiFailure { get; set; }

    /// <summary>How many of the next bodies are cut after <see cref="CutAfterBytes"/>.</summary>
    public int Cuts
    {
        get => Volatile.Read(ref cutsLeft);
        set => Volatile.Write(ref cutsLeft, value);
    }

    public static async Task<FakeHubServer> StartAsync()
    {
        var server = new FakeHubServer(CreateApp(), CreateApp());
        server.hub.Run(server.HandleHubAsync);
        server.cdn.Run(server.HandleCdnAsync);
        await server.hub.StartAsync();
        await server.cdn.StartAsync();
        server.Endpoint = new Uri(server.hub.Urls.Single() + "/");
        // Same loopback interface, but a different host name: the client must treat it as another origin.
        server.CdnEndpoint = new Uri(server.cdn.Urls.Single().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Adds a repository with <paramref name="files"/> (path, bytes, stored in LFS) and returns its commit.</summary>
    public string AddRepository(string repositoryId, params (string Path, byte[] Content, bool Lfs)[] files)
    {
        var commit = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        repositories[repositoryId] = new FakeRepository(commit, files.ToDictionary(
            file => file.Path, file => new FakeFile(file.Content, file.Lfs), StringComparer.Ordinal));
        return commit;
    }

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        await cdn.DisposeAsync();
    }

    private static WebApplication CreateApp()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        return builder.Build();
    }

    private async Task HandleHubAsync(HttpContext context)
    {
        Record("hub", context);
        foreach (var (from, to) in Renamed)
        {
            var path = context.Request.Path.Value!;
            if (path.Contains($"/{from}/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = path.Replace($"/{from}/", $"/{to}/", StringComparison.Ordinal) + context.Request.QueryString;
                return;
            }
        }

        var segments = context.Request.Path.Value!.TrimStart('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (segments is ["api", "models", var owner, var name, "revision", var revision])
        {
            await ServeFileListAsync(context, $"{owner}/{name}", revision);
        }
        else if (segments.Length >= 5 && segments[2] == "resolve")
        {
            await ServeResolveAsync(context, $"{segments[0]}/{segments[1]}", segments[3], string.Join('/', segments[4..]));
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private async Task HandleCdnAsync(HttpContext context)
    {
        Record("cdn", context);
        var sha256 = context.Request.Path.Value!.TrimStart('/').Replace("blobs/", "", StringComparison.Ordinal);
        var match = repositories.Values.SelectMany(repository => repository.Files)
            .FirstOrDefault(file => file.Value.Lfs && file.Value.Sha256 == sha256);
        if (match.Value is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        await ServeBytesAsync(context, match.Key, match.Value.Content);
    }

    private async Task ServeFileListAsync(HttpContext context, string repositoryId, string revision)
    {
        if (ApiFailure is { } failure)
        {
            context.Response.StatusCode = (int)failure;
            return;
        }

        if (!TryFindRepository(context, repositoryId, revision, out var repository))
        {
            return;
        }

        var siblings = repository.Files.Select(file => new Dictionary<string, object?>
        {
            ["rfilename"] = file.Key,
            ["size"] = file.Value.Content.Length,
            ["blobId"] = file.Value.GitBlobId,
            ["lfs"] = file.Value.Lfs ? new { sha256 = file.Value.Sha256, size = file.Value.Content.Length, pointerSize = 134 } : null,
        });
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { id = repositoryId, sha = repository.Commit, siblings }));
    }

    private async Task ServeResolveAsync(HttpContext context, string repositoryId, string revision, string path)
    {
        if (!TryFindRepository(context, repositoryId, revision, out var repository))
        {
            return;
        }

        if (!repository.Files.TryGetValue(path, out var file))
        {
            context.Response.StatusCode = 404;
            context.Response.Headers["X-Error-Code"] = "EntryNotFound";
            return;
        }

        context.Response.Headers["X-Repo-Commit"] = repository.Commit;
        if (!file.Lfs)
        {
            context.Response.Headers.ETag = $"\"{file.GitBlobId}\"";
            await ServeBytesAsync(context, path, file.Content);
            return;
        }

        context.Response.StatusCode = 302;
        context.Response.Headers.ETag = $"\"{file.Sha256}\"";
        context.Response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
        context.Response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.Location = new Uri(CdnEndpoint, "blobs/" + file.Sha256).AbsoluteUri;
    }

    private bool TryFindRepository(HttpContext context, string repositoryId, string revision, out FakeRepository repository)
    {
        if (!repositories.TryGetValue(repositoryId, out repository!))
        {
            // Like the Hub: an unknown repository is indistinguishable from a private one to an anonymous caller.
            context.Response.StatusCode = RequiredToken is null ? 404 : 401;
            context.Response.Headers["X-Error-Code"] = "RepoNotFound";
            return false;
        }

        if (RequiredToken is not null && context.Request.Headers.Authorization != $"Bearer {RequiredToken}")
        {
            context.Response.StatusCode = 401;
            context.Response.Headers["X-Error-Code"] = "RepoNotFound";
            return false;
        }

        if (revision != "main" && revision != repository.Commit)
        {
            context.Response.StatusCode = 404;
            context.Response.Headers["X-Error-Code"] = "RevisionNotFound";
            return false;
        }

        return true;
    }

    private async Task ServeBytesAsync(HttpContext context, string path, byte[] content)
    {
        long start = 0;
        var range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        var body = content[(int)start..];
        if (CorruptPaths.Contains(path))
        {
            body[body.Length / 2] ^= 0xFF;
        }

        context.Response.ContentLength = body.Length;
        if (CutAfterBytes > 0 && body.Length > CutAfterBytes && (StallReached is not null || Interlocked.Decrement(ref cutsLeft) >= 0))
        {
            await context.Response.Body.WriteAsync(body.AsMemory(0, CutAfterBytes));
            await context.Response.Body.FlushAsync();
            if (StallReached is { } stalled)
            {
                stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }

    private void Record(string server, HttpContext context) =>
        Requests.Enqueue(new RecordedRequest(
            server,
            context.Request.Path.Value!,
            context.Request.Headers.Authorization.FirstOrDefault(),
            context.Request.Headers.Range.FirstOrDefault()));

    /// <summary>One request as a server saw it.</summary>
    public sealed record RecordedRequest(string Server, string Path, string? Authorization, string? Range);

    private sealed record FakeRepository(string Commit, Dictionary<string, FakeFile> Files);

    private sealed record FakeFile(byte[] Content, bool Lfs)
    {
        public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));

        public string GitBlobId { get; } = Convert.ToHexStringLower(SHA1.HashData(
            [.. Encoding.ASCII.GetBytes($"blob {Content.Length}\0"), .. Content]));
    }
}
