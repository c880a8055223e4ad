using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>HuggingFace:*</c> (also set by <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HUB_OFFLINE</c>): where the Hub is and how to talk to it.</summary>
public sealed class HuggingFaceOptions : IStrataOptions<HuggingFaceOptions>, IValidatableObject
{
    /// <summary>The public Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <inheritdoc />
    public static string Section => "HuggingFace";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, HuggingFaceOptions options) => section.Bind(options);

    /// <summary>The Hub's base address (or a mirror's), http or https.</summary>
    [Description("the Hub (or a mirror)")]
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>An access token for private and gated repositories, sent only to the Hub's own host.</summary>
    [Description("sent only to the Hub's own host")]
    public string? Token { get; set; }

    /// <summary>When true no request is made at all: only what is stored is used.</summary>
    [Description("use only what is stored")]
    public bool Offline { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Endpoint?.Trim(), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"'{Endpoint}' is not an http or https address (also settable as HF_ENDPOINT).", [nameof(Endpoint)]);
        }
    }
}
