using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Ingestion:*</c>: what document ingestion may reach.</summary>
public sealed class IngestionOptions : IStrataOptions<IngestionOptions>
{
    /// <inheritdoc />
    public static string Section => "Ingestion";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, IngestionOptions options) => section.Bind(options);

    /// <summary>Whether http(s) pages may be ingested (never from loopback, private, link-local or metadata addresses).</summary>
    [Description("allow http(s) pages as ingestion sources (public addresses only)")]
    public bool AllowUrls { get; set; }
}
