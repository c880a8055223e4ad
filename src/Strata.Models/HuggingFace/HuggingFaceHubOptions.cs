using System.Globalization;
using Strata.Core.Options;

namespace Strata.Models.HuggingFace;

/// <summary>Where the Hub is and how to talk to it.</summary>
public sealed record HuggingFaceHubOptions
{
    /// <summary>The public Hub.</summary>
    public static readonly Uri DefaultEndpoint = new(HuggingFaceOptions.DefaultEndpoint);

    /// <summary>The Hub's base address (<c>HuggingFace:Endpoint</c>, <c>HF_ENDPOINT</c>).</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>An access token for private and gated repositories (<c>HuggingFace:Token</c>, <c>HF_TOKEN</c>).</summary>
    public string? Token { get; init; }

    /// <summary>When true no request is made at all (<c>HuggingFace:Offline</c>, <c>HF_HUB_OFFLINE</c>).</summary>
    public bool Offline { get; init; }

    /// <summary>Takes the options from the bound <c>HuggingFace</c> section.</summary>
    /// <exception cref="HubException">The endpoint is not an absolute http or https address.</exception>
    public static HuggingFaceHubOptions From(HuggingFaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpointText = options.Endpoint;
        var endpoint = DefaultEndpoint;
        if (!string.IsNullOrWhiteSpace(endpointText))
        {
            if (!Uri.TryCreate(endpointText.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                throw new HubException($"HuggingFace:Endpoint (HF_ENDPOINT) '{endpointText}' is not an http or https address.");
            }

            endpoint = parsed;
        }

        var token = options.Token;
        return new HuggingFaceHubOptions
        {
            Endpoint = endpoint,
            Token = string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            Offline = options.Offline,
        };
    }

    /// <summary>A readable summary that never shows the token.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Endpoint = {Endpoint}, Token = {(Token is null ? "(none)" : "(set)")}, Offline = {Offline}");
}
