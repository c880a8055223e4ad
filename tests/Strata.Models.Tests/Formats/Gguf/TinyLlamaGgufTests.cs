using Strata.Models.Formats.Gguf;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Formats.Gguf;

public sealed class TinyLlamaGgufTests
{
    [Fact]
    public void The_summary_describes_the_tiny_model()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path);

        var file = GgufReader.Read(path);
        var summary = file.Summarize();

        var vocabulary = file.Metadata["tokenizer.ggml.tokens"].Count;
        // 5 special tokens, 256 byte tokens, "▁", a-z, and the prefixes of the default words.
        Assert.InRange(vocabulary, 5 + 256 + 27 + 15, 5 + 256 + 27 + 100);
        long embedding = 64, feedForward = 128, blocks = 2;
        var perBlock = (2 * embedding) + (4 * embedding * embedding) + (3 * embedding * feedForward);
        var expectedParameters = (2 * embedding * vocabulary) + (blocks * perBlock) + embedding;
        Assert.Equal(
            new GgufModelSummary(
                Architecture: "llama",
                Name: "tiny-llama",
                ParameterCount: expectedParameters,
                ContextLength: 4096,
                EmbeddingLength: 64,
                BlockCount: 2,
                HeadCount: 4,
                Quantization: "F32",
                TokenizerModel: "llama",
                VocabularySize: vocabulary,
                HasChatTemplate: true),
            summary);
    }

    [Fact]
    public void Options_change_the_written_model()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path, new TinyLlamaOptions { BlockCount = 3, EmbeddingLength = 32, HeadCount = 2, KeyValueHeadCount = 1, ChatTemplate = null, Name = "other" });

        var file = GgufReader.Read(path);
        var summary = file.Summarize();

        Assert.Equal((3L, 32L, 2L, false, "other"), (summary.BlockCount!.Value, summary.EmbeddingLength!.Value, summary.HeadCount!.Value, summary.HasChatTemplate, summary.Name));
        Assert.Equal([32UL, 16UL], file.Tensors.Single(tensor => tensor.Name == "blk.2.attn_k.weight").Dimensions);
    }

    [Fact]
    public void The_same_seed_writes_identical_bytes_and_another_seed_different_weights()
    {
        using var folder = new TemporaryFolder();
        TinyLlamaGguf.Write(folder.Combine("a.gguf"));
        TinyLlamaGguf.Write(folder.Combine("b.gguf"));
        TinyLlamaGguf.Write(folder.Combine("c.gguf"), new TinyLlamaOptions { Seed = 7 });

        var a = File.ReadAllBytes(folder.Combine("a.gguf"));
        Assert.Equal(a, File.ReadAllBytes(folder.Combine("b.gguf")));
        Assert.NotEqual(a, File.ReadAllBytes(folder.Combine("c.gguf")));
    }

    [Fact]
    public void Metadata_types_are_the_ones_llama_cpp_requires()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path);

        var metadata = GgufReader.Read(path).Metadata;

        foreach (var key in new[] { "llama.context_length", "llama.embedding_length", "llama.block_count", "llama.feed_forward_length", "llama.attention.head_count", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id" })
        {
            Assert.Equal(GgufValueType.UInt32, metadata[key].Type);
        }

        Assert.Equal(GgufValueType.Float32, metadata["llama.attention.layer_norm_rms_epsilon"].Type);
        Assert.Equal(GgufValueType.Int32, metadata["tokenizer.ggml.token_type"].ElementType);
        Assert.Equal(GgufValueType.Float32, metadata["tokenizer.ggml.scores"].ElementType);
        var tokens = metadata["tokenizer.ggml.tokens"].AsStringArray();
        Assert.Equal(["<unk>", "<s>", "</s>"], tokens.Take(3));
        Assert.Contains("<0x00>", tokens);
        Assert.Contains("<0xFF>", tokens);
        Assert.Contains("▁hello", tokens);
    }
}
