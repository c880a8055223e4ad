using System.ComponentModel;

namespace Strata.Core.Options;

/// <summary><c>Ingestion:*</c>: what document ingestion may reach.</summary>
public sealed class IngestionOptions : IStrataOptions
{
    /// <inheritdoc />
    public static string Section => "Ingestion";

    /// <summary>Whether http(s) pages may be ingested (never from loopback, private, link-local or metadata addresses).</summary>
    [Description("allow http(s) pages as ingestion sources (public addresses only)")]
    public bool AllowUrls { get; set; }
}
