using System.Net;

namespace Strata.Models.HuggingFace;

/// <summary>The final response for a file's bytes, with the checksums the Hub announced on the way there.</summary>
public sealed class HubFileResponse : IDisposable
{
    private readonly HttpResponseMessage response;

    internal HubFileResponse(HttpResponseMessage response, string? linkedSha256, string? gitBlobId)
    {
        this.response = response;
        LinkedSha256 = linkedSha256;
        GitBlobId = gitBlobId;
    }

    /// <summary>200 (whole file), 206 (the requested range) or 416 (nothing left after the requested offset).</summary>
    public HttpStatusCode StatusCode => response.StatusCode;

    /// <summary>The first byte of a 206 response's range, when the server said.</summary>
    public long? RangeStart => response.Content.Headers.ContentRange?.From;

    /// <summary>SHA-256 of an LFS file from the Hub's <c>X-Linked-Etag</c> header, lowercase hex.</summary>
    public string? LinkedSha256 { get; }

    /// <summary>The git blob SHA-1 of a regular file from the Hub's <c>ETag</c> header, lowercase hex.</summary>
    public string? GitBlobId { get; }

    /// <summary>Opens the body.</summary>
    public Task<Stream> OpenBodyAsync(CancellationToken cancellationToken) => response.Content.ReadAsStreamAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => response.Dispose();
}
