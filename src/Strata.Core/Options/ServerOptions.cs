using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Server:*</c>: where <c>strata serve</c> listens, who may call it, and how much one request may ask for.</summary>
public sealed class ServerOptions : IStrataOptions<ServerOptions>
{
    /// <summary>The address <c>strata serve</c> listens on when none is set.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <inheritdoc />
    public static string Section => "Server";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, ServerOptions options) => section.Bind(options);

    /// <summary>Where to listen (semicolon-separated URLs); a non-loopback address needs API keys.</summary>
    [Description("where to listen; a non-loopback address needs API keys")]
    [Required(AllowEmptyStrings = false)]
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// Host names (beyond 127.0.0.1, [::1] and localhost) that a server without API keys answers to, e.g. a name for this
    /// machine in <c>/etc/hosts</c>. Any other Host header is refused (403), which is what defeats DNS rebinding.
    /// </summary>
    [Description("extra Host names accepted without API keys (loopback names always are)")]
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Accepted keys, raw or <c>sha256:&lt;hex&gt;</c> of the key.</summary>
    [Description("accepted keys (raw, or sha256:<hex> of the key), sent as 'Authorization: Bearer KEY'")]
    public IList<string> ApiKeys { get; } = [];

    /// <summary>The largest request body in bytes; larger bodies get 413.</summary>
    [Description("largest request body in bytes (413 beyond it)")]
    [Range(1024, 1L << 32)]
    public long MaxRequestBytes { get; set; } = 8L << 20;

    /// <summary>The most tokens one completion may ask for; also the output cap of a request without max_tokens.</summary>
    [Description("most tokens one completion may ask for (400 beyond it); also the output cap of a request without max_tokens")]
    [Range(1, 1 << 20)]
    public int MaxOutputTokens { get; set; } = 4096;

    /// <summary>The most characters of message text in one request.</summary>
    [Description("most characters of message text in one request (400 beyond it)")]
    [Range(1, 1 << 30)]
    public int MaxPromptCharacters { get; set; } = 1_000_000;

    /// <summary>The most inputs in one embeddings request.</summary>
    [Description("most inputs in one embeddings request (400 beyond it)")]
    [Range(1, 1 << 20)]
    public int MaxEmbeddingInputs { get; set; } = 2048;

    /// <summary>The largest document upload in bytes.</summary>
    [Description("largest document upload in bytes (413 beyond it)")]
    [Range(1024, 1L << 40)]
    public long MaxUploadBytes { get; set; } = 64L << 20;

    /// <summary>Uploaded documents that may wait for ingestion; more get 429.</summary>
    [Description("uploaded documents waiting for ingestion (429 beyond it)")]
    [Range(1, 1_000_000)]
    public int IngestionQueueLength { get; set; } = 256;

    /// <summary>Uploaded documents ingested at once, so one huge document cannot hold up every small one.</summary>
    [Description("uploaded documents ingested at once (one huge document cannot hold up the rest)")]
    [Range(1, 64)]
    public int IngestionWorkers { get; set; } = 2;

    /// <summary>How long one document's ingestion may take before it is stopped (and retried, within <see cref="IngestionAttempts"/>).</summary>
    [Description("seconds one document's ingestion may take before it is stopped and retried")]
    [Range(1, 7 * 24 * 3600)]
    public int IngestionTimeoutSeconds { get; set; } = 1800;

    /// <summary>Tries per document: one that crashed the server or timed out this many times is marked failed, not retried.</summary>
    [Description("tries per document before one that timed out or crashed the server is marked failed")]
    [Range(1, 100)]
    public int IngestionAttempts { get; set; } = 3;

    /// <summary>Requests running at once on one model (batched together by the runtime).</summary>
    [Description("requests running at once on one model")]
    [Range(1, 1024)]
    public int ModelConcurrency { get; set; } = 4;

    /// <summary>Requests waiting per model; more get 429 with Retry-After.</summary>
    [Description("requests waiting per model (429 with Retry-After beyond it)")]
    [Range(0, 1_000_000)]
    public int ModelQueueLength { get; set; } = 16;

    /// <summary>Per-key (or per-address) rate limits.</summary>
    public ServerRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Browser origins allowed to call the API.</summary>
    public ServerCorsOptions Cors { get; set; } = new();

    /// <summary>The TLS certificate for https:// addresses in <see cref="Urls"/>.</summary>
    public ServerCertificateOptions Certificate { get; set; } = new();
}

/// <summary><c>Server:Certificate:*</c>: the certificate <c>strata serve</c> presents on https:// addresses.</summary>
public sealed class ServerCertificateOptions
{
    /// <summary>A PEM certificate (with its key in the same file or in <see cref="KeyPath"/>) or a PKCS#12 (.pfx/.p12) file.</summary>
    [Description("TLS certificate for https:// URLs: a PEM file (key inside or in KeyPath) or a .pfx/.p12")]
    public string? Path { get; set; }

    /// <summary>The PEM private key, when it is not in the certificate file.</summary>
    [Description("the PEM private key, when not in the certificate file")]
    public string? KeyPath { get; set; }

    /// <summary>The password of a .pfx file or of an encrypted PEM key.</summary>
    [Description("password of the .pfx or of an encrypted PEM key")]
    public string? Password { get; set; }
}

/// <summary><c>Server:RateLimit:*</c>.</summary>
public sealed class ServerRateLimitOptions
{
    /// <summary>Requests per minute per API key or client address; 0 turns the limit off.</summary>
    [Description("per API key or client address; 0 turns it off (429 beyond it)")]
    [Range(0, 10_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Requests with a missing or wrong key (or session) per client address and minute before that address gets 429 for
    /// every keyed request until the minute ends, the right key included; 0 turns the limit off.
    /// </summary>
    [Description("failed authentications per client address and minute before it gets 429 for the rest of the minute; 0 turns it off")]
    [Range(0, 10_000_000)]
    public int FailedAuthPerMinute { get; set; } = 60;
}

/// <summary><c>Server:Cors:*</c>.</summary>
public sealed class ServerCorsOptions
{
    /// <summary>Origins (scheme, host and port) allowed to call the API from a browser.</summary>
    [Description("origins allowed to call the API from a browser")]
    public IList<string> Origins { get; } = [];
}
