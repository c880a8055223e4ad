namespace Strata.Data.Ingestion;

/// <summary>Tells ingestion sources that are web pages from those that are paths.</summary>
public static class WebSource
{
    /// <summary>Whether <paramref name="source"/> is an absolute http or https URL rather than a file or folder path.</summary>
    public static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
