using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;

namespace Strata.Models.HuggingFace;

/// <summary>
/// Talks to the Hugging Face Hub with its own protocol: the revision API for a repository's file list, and
/// <c>/resolve/</c> for a file's bytes.
/// </summary>
/// <remarks>
/// The <see cref="HttpClient"/> must be built with automatic redirects off: this client follows them itself so that
/// the token goes only to the Hub's own scheme, host and port, never to the CDN a large file redirects to, and so that
/// the checksum headers on the Hub's redirect response are not lost.
/// </remarks>
public sealed class HuggingFaceHubClient
{
    /// <summary>The most redirects followed for one request.</summary>
    public const int MaxRedirects = 10;

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Strata", typeof(HuggingFaceHubClient).Assembly.GetName().Version?.ToString() ?? "1.0");

    private readonly HttpClient http;
    private readonly Uri baseUri;

    /// <summary>Creates the client over <paramref name="http"/>, which must not follow redirects itself.</summary>
    public HuggingFaceHubClient(HttpClient http, HuggingFaceHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        Options = options;
        // Relative URLs resolve under the endpoint's own path, so a mirror at https://host/hf keeps its /hf.
        baseUri = options.Endpoint.AbsoluteUri.EndsWith('/') ? options.Endpoint : new Uri(options.Endpoint.AbsoluteUri + "/");
    }

    /// <summary>The endpoint, token and offline setting in use.</summary>
    public HuggingFaceHubOptions Options { get; }

    /// <summary>Resolves <paramref name="reference"/>'s revision to a commit and lists the repository's files there.</summary>
    /// <exception cref="HubException">Offline, unreachable, or the Hub refused; the message says which.</exception>
    public async Task<HubRepository> GetRepositoryAsync(HubReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var uri = new Uri(baseUri, $"api/models/{Escape(reference.Owner)}/{Escape(reference.Repository)}/revision/{Uri.EscapeDataString(reference.Revision)}?blobs=true");
        using var response = await SendAsync(uri, offset: 0, reference.RepositoryId, reference.Revision, path: null, cancellationToken);
        if (response.Response.StatusCode != HttpStatusCode.OK)
        {
            throw HubErrors.ForStatus(response.Response, reference.RepositoryId, reference.Revision, null, Options.Token is not null);
        }

        HubRevisionInfo? info;
        try
        {
            info = await response.Response.Content.ReadFromJsonAsync<HubRevisionInfo>(cancellationToken);
        }
        catch (JsonException e)
        {
            throw new HubException($"Hugging Face sent a file list for {reference.RepositoryId} that is not valid JSON ({e.Message}).", e);
        }

        if (info?.Sha is not { Length: > 0 } commit || !commit.All(char.IsAsciiLetterOrDigit) || info.Siblings is null)
        {
            throw new HubException($"Hugging Face sent a file list for {reference.RepositoryId} without a commit or files.");
        }

        var files = info.Siblings
            .Where(sibling => IsSafeRepositoryPath(sibling.RFileName))
            .Select(sibling => new HubFile(
                sibling.RFileName!,
                sibling.Lfs?.Size ?? sibling.Size ?? 0,
                NormalizeHex(sibling.Lfs?.Sha256, 64),
                NormalizeHex(sibling.BlobId, 40)))
            .ToList();
        return new HubRepository(reference.RepositoryId, commit, files);
    }

    /// <summary>
    /// Requests the bytes of <paramref name="path"/> at <paramref name="commit"/> from <paramref name="offset"/> on,
    /// following redirects. A 416 answer (nothing after the offset) is returned, not thrown.
    /// </summary>
    /// <exception cref="HubException">Offline, unreachable, or the Hub refused; the message says which.</exception>
    public async Task<HubFileResponse> OpenFileAsync(string repositoryId, string commit, string path, long offset, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repositoryId);
        ArgumentException.ThrowIfNullOrEmpty(commit);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var relative = $"{string.Join('/', repositoryId.Split('/').Select(Escape))}/resolve/{Uri.EscapeDataString(commit)}/{string.Join('/', path.Split('/').Select(Escape))}";
        var sent = await SendAsync(new Uri(baseUri, relative), offset, repositoryId, commit, path, cancellationToken);
        var status = sent.Response.StatusCode;
        if (status is not (HttpStatusCode.OK or HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable))
        {
            using (sent)
            {
                throw HubErrors.ForStatus(sent.Response, repositoryId, commit, path, Options.Token is not null);
            }
        }

        return new HubFileResponse(sent.Response, sent.LinkedSha256, sent.GitBlobId);
    }

    /// <summary>Sends a GET and follows up to <see cref="MaxRedirects"/> redirects, absolute or relative.</summary>
    private async Task<SentRequest> SendAsync(Uri uri, long offset, string repositoryId, string revision, string? path, CancellationToken cancellationToken)
    {
        if (Options.Offline)
        {
            throw new HubException($"Offline mode is on (HF_HUB_OFFLINE or --offline): not contacting Hugging Face for {repositoryId}.");
        }

        string? linkedSha256 = null;
        string? gitBlobId = null;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.UserAgent.Add(UserAgent);
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            var toHub = IsSameOrigin(uri, Options.Endpoint);
            if (toHub && Options.Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.Token);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw HubErrors.ForNetwork(uri, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw HubErrors.ForNetwork(uri, new TimeoutException("the request timed out.", e));
            }

            // Checksums are trusted only from the Hub itself, not from whatever host a redirect leads to.
            if (toHub)
            {
                linkedSha256 ??= NormalizeHex(HeaderValue(response, "X-Linked-Etag"), 64);
                gitBlobId ??= NormalizeHex(response.Headers.ETag?.Tag, 40);
            }

            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return new SentRequest(response, linkedSha256, gitBlobId);
            }

            using (response)
            {
                var location = response.Headers.Location
                    ?? throw new HubException($"Hugging Face redirected the request for {repositoryId} without saying where to.");
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (uri.Scheme is not ("http" or "https"))
                {
                    throw new HubException($"Hugging Face redirected the request for {repositoryId} to a non-HTTP address; refusing to follow.");
                }
            }
        }

        throw new HubException($"Too many redirects (more than {MaxRedirects}) for {repositoryId}{(path is null ? $" at '{revision}'" : $" file '{path}'")}.");
    }

    /// <summary>
    /// File paths come from the server and become paths inside the model, so entries that could climb out of a
    /// folder (<c>..</c>, absolute, backslashes, control characters) are dropped from the list.
    /// </summary>
    private static bool IsSafeRepositoryPath(string? path) =>
        !string.IsNullOrEmpty(path)
        && path.Length <= 1024
        && !path.Any(c => char.IsControl(c) || c == '\\')
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));

    private static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Strips the quotes and weak marker of an ETag and returns it when it is hex of the given length.</summary>
    private static string? NormalizeHex(string? value, int length)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"').ToLowerInvariant();
        return text.Length == length && text.All(char.IsAsciiHexDigitLower) ? text : null;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private sealed record SentRequest(HttpResponseMessage Response, string? LinkedSha256, string? GitBlobId) : IDisposable
    {
        public void Dispose() => Response.Dispose();
    }
}
