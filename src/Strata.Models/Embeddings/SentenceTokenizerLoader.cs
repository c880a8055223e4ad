using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Strata.Models.Embeddings;

/// <summary>
/// Builds the word-piece tokenizer of a sentence-transformers model from the files Hugging Face repositories ship:
/// <c>vocab.txt</c>, or a <c>tokenizer.json</c> whose model is WordPiece, plus the configuration files that say how
/// long an input may be.
/// </summary>
internal static class SentenceTokenizerLoader
{
    /// <summary>BERT's position-embedding table length, the limit when a model states none.</summary>
    public const int BertMaxTokens = 512;

    // Hugging Face writes a huge sentinel as model_max_length when a tokenizer has no limit of its own.
    private const long UnsetModelMaxLength = 1_000_000;

    public static SentenceTokenizer Load(ModelFolder folder, int? maxTokens)
    {
        var tokenizerConfig = ReadJson(folder.Find("tokenizer_config.json"));
        var vocab = folder.Find("vocab.txt");
        var tokenizerJsonPath = folder.Find("tokenizer.json");
        BertTokenizer tokenizer;
        JsonNode? tokenizerJson = null;
        if (vocab is not null)
        {
            var lowerCase = tokenizerConfig?["do_lower_case"]?.GetValue<bool>() ?? true;
            using var stream = File.OpenRead(vocab);
            tokenizer = BertBasicTokenization.CreateTokenizer(
                stream,
                lowerCase,
                tokenizerConfig?["strip_accents"]?.GetValue<bool>(),
                tokenizerConfig?["tokenize_chinese_chars"]?.GetValue<bool>() ?? true);
        }
        else if (tokenizerJsonPath is not null)
        {
            tokenizerJson = ReadJson(tokenizerJsonPath);
            tokenizer = FromTokenizerJson(tokenizerJson!, folder.Name);
        }
        else
        {
            throw new EmbeddingModelException(
                $"Model '{folder.Name}' has no tokenizer: a sentence-transformers model needs vocab.txt or tokenizer.json beside its ONNX graph.");
        }

        var limit = ModelLimit(folder, tokenizerConfig, tokenizerJson ?? ReadJson(tokenizerJsonPath));
        return new SentenceTokenizer(tokenizer, maxTokens is { } requested ? Math.Clamp(requested, 2, limit) : limit);
    }

    /// <summary>
    /// The input length the model was built for: sentence-transformers' own <c>max_seq_length</c> first (MiniLM was
    /// trained on 256 pieces although BERT allows 512), then the tokenizer's limits, capped by the position table.
    /// </summary>
    private static int ModelLimit(ModelFolder folder, JsonNode? tokenizerConfig, JsonNode? tokenizerJson)
    {
        var positions = ReadJson(folder.Find("config.json"))?["max_position_embeddings"]?.GetValue<long>();
        long? stated = ReadJson(folder.Find("sentence_bert_config.json"))?["max_seq_length"]?.GetValue<long>();
        stated ??= tokenizerConfig?["model_max_length"] is JsonValue value && value.TryGetValue<double>(out var length) && length < UnsetModelMaxLength
            ? (long)length
            : null;
        stated ??= tokenizerJson?["truncation"]?["max_length"]?.GetValue<long>();
        var limit = Math.Min(stated ?? positions ?? BertMaxTokens, positions ?? long.MaxValue);
        return (int)Math.Clamp(limit, 2, int.MaxValue);
    }

    private static BertTokenizer FromTokenizerJson(JsonNode json, string modelName)
    {
        var model = json["model"];
        var type = model?["type"]?.GetValue<string>();
        if (!string.Equals(type, "WordPiece", StringComparison.Ordinal) || model?["vocab"] is not JsonObject vocab)
        {
            throw new EmbeddingModelException(
                $"Model '{modelName}' has a '{type ?? "unknown"}' tokenizer in tokenizer.json; Strata's ONNX embeddings read WordPiece (BERT) tokenizers only.");
        }

        // BertTokenizer reads a vocab.txt, whose line number is the id: write the JSON vocabulary out in that shape.
        var tokens = new string?[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            var index = id!.GetValue<int>();
            if (index < 0 || index >= tokens.Length)
            {
                throw new EmbeddingModelException($"Model '{modelName}' has a tokenizer.json whose vocabulary ids are not 0..{tokens.Length - 1}.");
            }

            tokens[index] = token;
        }

        var text = new StringBuilder();
        for (var i = 0; i < tokens.Length; i++)
        {
            // A gap cannot be matched by any input, so a placeholder keeps the ids aligned without changing results.
            text.Append(tokens[i] ?? $"[strata-unused-{i}]").Append('\n');
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var normalizer = FindBertNormalizer(json["normalizer"]);
        return BertBasicTokenization.CreateTokenizer(
            stream,
            normalizer?["lowercase"]?.GetValue<bool>() ?? true,
            normalizer?["strip_accents"]?.GetValue<bool>(),
            normalizer?["handle_chinese_chars"]?.GetValue<bool>() ?? true);
    }

    private static JsonNode? FindBertNormalizer(JsonNode? normalizer)
    {
        if (normalizer?["type"]?.GetValue<string>() == "BertNormalizer")
        {
            return normalizer;
        }

        return normalizer?["normalizers"] is JsonArray parts ? parts.Select(FindBertNormalizer).FirstOrDefault(found => found is not null) : null;
    }

    private static JsonNode? ReadJson(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new EmbeddingModelException($"'{Path.GetFileName(path)}' is not valid JSON: {e.Message}", e);
        }
    }
}
