namespace Strata.Server;

/// <summary>One configuration key that <c>strata serve</c> reads.</summary>
/// <param name="Key">The key, e.g. <c>Server:MaxUploadBytes</c>.</param>
/// <param name="Default">Its value when unset, as a person would write it.</param>
/// <param name="Meaning">What it changes.</param>
public sealed record ServerSetting(string Key, string Default, string Meaning);

/// <summary>
/// The <c>Server:*</c> keys, in one list so that <c>strata serve --help</c> can show them and a test can check that
/// every key the server reads is in it.
/// </summary>
public static class ServerSettings
{
    /// <summary>Every <c>Server:*</c> key, with its default and meaning.</summary>
    public static IReadOnlyList<ServerSetting> All { get; } =
    [
        new("Server:Urls", "http://127.0.0.1:8080", "where to listen; a non-loopback address needs API keys"),
        new("Server:ApiKeys", "none", "accepted keys (raw, or sha256:<hex> of the key), sent as 'Authorization: Bearer KEY'"),
        new("Server:MaxRequestBytes", "8 MiB", "largest request body (413 beyond it)"),
        new("Server:MaxOutputTokens", "4096", "most tokens one completion may ask for (400 beyond it); also the output cap of a request without max_tokens"),
        new("Server:MaxPromptCharacters", "1000000", "most characters of message text in one request (400 beyond it)"),
        new("Server:MaxEmbeddingInputs", "2048", "most inputs in one embeddings request (400 beyond it)"),
        new("Server:MaxUploadBytes", "64 MiB", "largest document upload (413 beyond it)"),
        new("Server:IngestionQueueLength", "256", "uploaded documents waiting for ingestion (429 beyond it)"),
        new("Server:ModelConcurrency", "4", "requests running at once on one model"),
        new("Server:ModelQueueLength", "16", "requests waiting per model (429 with Retry-After beyond it)"),
        new("Server:RateLimit:RequestsPerMinute", "600", "per API key or client address; 0 turns it off (429 beyond it)"),
        new("Server:Cors:Origins", "none", "origins allowed to call the API from a browser"),
    ];
}
