using System.Text;
using System.Text.Json;
using Strata.Models.Embeddings;
using Strata.Models.Store;

namespace Strata.Models.Tests.Embeddings;

/// <summary>Models laid out as <c>strata pull</c> stores them: the MiniLM graph with other tokenizer files beside it.</summary>
public sealed class StoredOnnxModelTests(MiniLmFixture minilm) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Sentences =
        ["A man is eating food.", "Strata's résumé: naïve CAFÉ tokens, e-mail & URLs like example.com!", "Unaffable 12345 antidisestablishmentarianism"];

    [Fact]
    public async Task A_tokenizer_json_only_model_gives_the_same_vectors_as_vocab_txt()
    {
        var vocabulary = File.ReadAllLines(minilm.Store.PathOf(FileOf(minilm.Manifest, "vocab.txt")));
        var tokenizerJson = JsonSerializer.Serialize(new
        {
            version = "1.0",
            truncation = new { max_length = 256 },
            normalizer = new { type = "BertNormalizer", clean_text = true, handle_chinese_chars = true, strip_accents = (bool?)null, lowercase = true },
            model = new
            {
                type = "WordPiece",
                unk_token = "[UNK]",
                vocab = vocabulary.Select((token, id) => (token, id)).ToDictionary(pair => pair.token, pair => pair.id),
            },
        });
        var manifest = await SaveAsync("minilm-tokenizer-json", FileOf(minilm.Manifest, "model.onnx"), await AddTextAsync("tokenizer.json", tokenizerJson));

        using var generator = OnnxEmbeddingGenerator.FromManifest(manifest, minilm.Store);
        var fromJson = await generator.GenerateAsync(Sentences);
        var fromVocab = await minilm.Generator.GenerateAsync(Sentences);

        Assert.Equal(256, generator.MaxTokens);
        for (var i = 0; i < Sentences.Length; i++)
        {
            Assert.True(Vectors.MaxDifference(fromVocab[i].Vector, fromJson[i].Vector) < 1e-5f, $"sentence {i} differs");
        }
    }

    [Fact]
    public async Task A_model_without_a_tokenizer_fails_with_a_clear_message()
    {
        var manifest = await SaveAsync("no-tokenizer", FileOf(minilm.Manifest, "model.onnx"));

        var error = Assert.Throws<EmbeddingModelException>(() => OnnxEmbeddingGenerator.FromManifest(manifest, minilm.Store));

        Assert.Contains("no tokenizer", error.Message, StringComparison.Ordinal);
        Assert.Contains("vocab.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_onnx_graph_fails_with_a_clear_message()
    {
        var garbage = await AddTextAsync("model.onnx", "this is not a protobuf, just text pretending to be a model");
        var manifest = await SaveAsync("corrupt", garbage, FileOf(minilm.Manifest, "vocab.txt"));

        var error = Assert.Throws<EmbeddingModelException>(() => OnnxEmbeddingGenerator.FromManifest(manifest, minilm.Store));

        Assert.Contains("'corrupt'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime cannot load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requested_limit_below_the_models_truncates_there()
    {
        using var generator = OnnxEmbeddingGenerator.FromManifest(minilm.Manifest, minilm.Store, new OnnxEmbeddingOptions { MaxTokens = 5 });

        var embedding = (await generator.GenerateAsync(["A man is eating food."]))[0];

        Assert.Equal(5, generator.MaxTokens);
        Assert.Equal(true, embedding.AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
    }

    private static ModelFile FileOf(ModelManifest manifest, string path) => manifest.Files.Single(file => file.Path == path);

    private async Task<ModelFile> AddTextAsync(string path, string text)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await minilm.Store.AddBlobAsync(stream, path);
    }

    private Task<ModelManifest> SaveAsync(string name, params ModelFile[] files)
    {
        var manifest = new ModelManifest
        {
            Name = name,
            Format = ModelFormat.Onnx,
            Files = files,
            Source = new ModelSource("import", name),
            Created = DateTimeOffset.UtcNow,
        };
        minilm.Store.SaveManifest(manifest);
        return Task.FromResult(minilm.Store.Get(name));
    }
}
