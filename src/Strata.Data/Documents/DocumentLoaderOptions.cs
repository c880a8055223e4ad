namespace Strata.Data.Documents;

/// <summary>Limits and switches for loading documents.</summary>
public sealed class DocumentLoaderOptions
{
    /// <summary>The default size cap: 50 MiB.</summary>
    public const long DefaultMaxBytes = 50L * 1024 * 1024;

    /// <summary>The largest file or download accepted; bigger ones fail as too large without being read.</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>Whether http and https URLs may be fetched at all. Off by default: fetching is a way into the network.</summary>
    public bool AllowUrls { get; set; }

    /// <summary>How long one URL download may take, redirects included.</summary>
    public TimeSpan UrlTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many redirects one URL may follow.</summary>
    public int MaxRedirects { get; set; } = 5;
}
