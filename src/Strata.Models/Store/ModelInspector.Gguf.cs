using System.Globalization;
using Strata.Models.Formats.Gguf;

namespace Strata.Models.Store;

public static partial class ModelInspector
{
    private static ModelMetadata InspectGguf(string file, string name)
    {
        GgufModelSummary summary;
        try
        {
            summary = GgufReader.Read(file).Summarize();
        }
        catch (GgufFormatException e)
        {
            throw new ModelStoreException($"'{name}' is not a valid GGUF model: {e.Message}", e);
        }

        var details = new Dictionary<string, string> { ["chat template"] = summary.HasChatTemplate ? "yes" : "no" };
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
