using System.Text.Json.Serialization;

namespace Strata.Models.HuggingFace;

/// <summary>The parts of the Hub's <c>/api/models/{repo}/revision/{rev}?blobs=true</c> answer that a pull needs.</summary>
internal sealed record HubRevisionInfo(
    [property: JsonPropertyName("sha")] string? Sha,
    [property: JsonPropertyName("siblings")] IReadOnlyList<HubSibling>? Siblings);

/// <summary>One entry of <see cref="HubRevisionInfo.Siblings"/>.</summary>
internal sealed record HubSibling(
    [property: JsonPropertyName("rfilename")] string? RFileName,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("blobId")] string? BlobId,
    [property: JsonPropertyName("lfs")] HubLfsInfo? Lfs);

/// <summary>The LFS pointer of a large file: its SHA-256 and size.</summary>
internal sealed record HubLfsInfo(
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("size")] long? Size);
