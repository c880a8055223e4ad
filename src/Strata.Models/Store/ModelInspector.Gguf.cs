using System.Globalization;
using Strata.Models.Formats.Gguf;

namespace Strata.Models.Store;

public static partial class ModelInspector
{
    /// <summary>
    /// The detail that marks a reranker, which neither chats nor embeds: a GGUF with llama.cpp's rank-pooling head, or an
    /// ONNX graph laid out as a cross-encoder (BERT inputs, class logits out).
    /// </summary>
    public const string RerankerDetail = "reranker";

    /// <summary>Whether <paramref name="manifest"/> is a reranker, as its import recorded.</summary>
    public static bool IsReranker(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Metadata.Details?.GetValueOrDefault(RerankerDetail) == "yes";
    }

    private static ModelMetadata InspectGguf(string file, string name)
    {
        GgufModelSummary summary;
        bool reranker;
        try
        {
            var gguf = GgufReader.Read(file);
            summary = gguf.Summarize();
            reranker = GgufRankHead.IsReranker(gguf);
        }
        catch (GgufFormatException e)
        {
            throw new ModelStoreException($"'{name}' is not a valid GGUF model: {e.Message}", e);
        }

        var details = new Dictionary<string, string> { ["chat template"] = summary.HasChatTemplate ? "yes" : "no" };
        if (reranker)
        {
            details[RerankerDetail] = "yes";
        }
        if (summary.Name is not null)
        {
            details["model name"] = summary.Name;
        }

        if (summary.BlockCount is { } blocks)
        {
            details["layers"] = blocks.ToString(CultureInfo.InvariantCulture);
        }

        if (summary.HeadCount is { } heads)
        {
            details["attention heads"] = heads.ToString(CultureInfo.InvariantCulture);
        }

        if (summary.TokenizerModel is not null)
        {
            details["tokenizer"] = summary.TokenizerModel + (summary.VocabularySize is { } vocabulary ? $" ({vocabulary} tokens)" : "");
        }

        return new ModelMetadata
        {
            Architecture = summary.Architecture,
            Parameters = summary.ParameterCount,
            ContextLength = summary.ContextLength,
            Quantization = summary.Quantization,
            Dimensions = summary.EmbeddingLength,
            Details = details,
        };
    }
}
