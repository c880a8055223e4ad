using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Rag:*</c>: how answers retrieve their passages.</summary>
public sealed class RetrievalOptions : IStrataOptions<RetrievalOptions>
{
    /// <inheritdoc />
    public static string Section => "Rag";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, RetrievalOptions options) => section.Bind(options);

    /// <summary>A stored cross-encoder that reorders the retrieved candidates before answering; none when null.</summary>
    [Description("a stored ONNX cross-encoder that reranks retrieved passages before answering (e.g. a pulled ms-marco MiniLM)")]
    public string? RerankModel { get; set; }

    /// <summary>How many candidates the reranker reads (it keeps the answer's k of them).</summary>
    [Description("candidates the reranker reads per question; the best k of them are kept")]
    public int RerankCandidates { get; set; } = 20;
}
