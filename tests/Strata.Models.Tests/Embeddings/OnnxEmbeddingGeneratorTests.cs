using Microsoft.Extensions.AI;
using Strata.Models.Embeddings;

namespace Strata.Models.Tests.Embeddings;

public sealed class OnnxEmbeddingGeneratorTests(MiniLmFixture minilm) : IClassFixture<MiniLmFixture>
{
    private const string Eating = "A man is eating food.";
    private const string Bread = "A man is eating a piece of bread.";
    private const string Horse = "A man is riding a horse.";

    [Fact]
    public async Task MiniLm_reproduces_the_published_similarities()
    {
        var embeddings = await minilm.Generator.GenerateAsync([Eating, Bread, Horse]);

        var related = Vectors.Cosine(embeddings[0].Vector, embeddings[1].Vector);
        var unrelated = Vectors.Cosine(embeddings[0].Vector, embeddings[2].Vector);
        Assert.InRange(related, 0.7553f - 0.01f, 0.7553f + 0.01f);
        Assert.True(related - unrelated > 0.4f, $"cos(food, bread) = {related}, cos(food, horse) = {unrelated}");
    }

    [Fact]
    public async Task Vectors_have_unit_length_and_the_model_width()
    {
        var embedding = (await minilm.Generator.GenerateAsync([Horse]))[0];

        Assert.Equal(384, embedding.Vector.Length);
        Assert.InRange(Vectors.Norm(embedding.Vector), 0.9999f, 1.0001f);
        Assert.Equal(BuiltInEmbeddingModels.MiniLm, embedding.ModelId);
    }

    [Fact]
    public void Metadata_names_the_model_and_its_width()
    {
        var metadata = minilm.Generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(BuiltInEmbeddingModels.MiniLm, metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Equal(256, minilm.Generator.MaxTokens);
    }

    [Fact]
    public async Task Token_embeddings_are_one_unit_vector_per_word_piece_in_input_order_and_truncated_like_sentence_vectors()
    {
        var longText = string.Join(' ', Enumerable.Repeat("tokens", 400));
        string[] inputs = [Eating, Horse, longText, Bread];

        var tokens = minilm.Generator.GenerateTokenEmbeddings(inputs);
        var sentences = await minilm.Generator.GenerateAsync(inputs);

        Assert.Equal(inputs.Length, tokens.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var counted = (int)sentences[i].AdditionalProperties![OnnxEmbeddingGenerator.TokenCountProperty]!;
            Assert.Equal(Math.Min(counted, minilm.Generator.MaxTokens), tokens[i].Length);
            Assert.All(tokens[i], token =>
            {
                Assert.Equal(384, token.Length);
                Assert.InRange(Vectors.Norm(token), 0.9999f, 1.0001f);
            });
        }

        // In a batch or alone, an input's token states are the same (padding is masked out).
        var alone = minilm.Generator.GenerateTokenEmbeddings([Horse])[0];
        Assert.Equal(alone.Length, tokens[1].Length);
        Assert.True(alone.Zip(tokens[1]).All(pair => Vectors.MaxDifference(pair.First, pair.Second) < 1e-5f));
    }

    [Fact]
    public async Task Batches_of_mixed_lengths_give_the_same_vectors_as_one_at_a_time_in_input_order()
    {
        // More inputs than one batch holds (the fixture's batch size is 8), with lengths out of order.
        var inputs = Enumerable.Range(0, 19)
            .Select(i => i % 3 == 0 ? $"Sentence {i}." : string.Join(' ', Enumerable.Repeat($"word{i} is followed by more words", 1 + (i % 5))))
            .ToArray();

        var together = await minilm.Generator.GenerateAsync(inputs);

        Assert.Equal(inputs.Length, together.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = (await minilm.Generator.GenerateAsync([inputs[i]]))[0];
            Assert.True(Vectors.MaxDifference(alone.Vector, together[i].Vector) < 1e-5f, $"input {i} differs between batched and single runs");
        }
    }

    [Fact]
    public async Task A_long_input_is_truncated_and_flagged()
    {
        var longText = string.Join(' ', Enumerable.Repeat("the quick brown fox jumps over the lazy dog", 100));

        var embeddings = await minilm.Generator.GenerateAsync([longText, Eating]);

        Assert.Equal(true, embeddings[0].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
        Assert.True((int)embeddings[0].AdditionalProperties![OnnxEmbeddingGenerator.TokenCountProperty]! > 256);
        Assert.Equal(false, embeddings[1].AdditionalProperties?[OnnxEmbeddingGenerator.TruncatedProperty]);
        Assert.Equal(8, embeddings[1].AdditionalProperties?[OnnxEmbeddingGenerator.TokenCountProperty]);
        Assert.Equal(256 + 8, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task An_empty_request_gives_an_empty_result()
    {
        var embeddings = await minilm.Generator.GenerateAsync([]);

        Assert.Empty(embeddings);
    }

    [Fact]
    public async Task A_null_request_or_input_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => minilm.Generator.GenerateAsync(null!));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => minilm.Generator.GenerateAsync([Eating, null!]));
        Assert.Contains("Input 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_for_another_width_is_rejected_and_the_models_own_width_accepted()
    {
        var error = await Assert.ThrowsAsync<Strata.Core.Errors.StrataException>(() => minilm.Generator.GenerateAsync([Eating], new EmbeddingGenerationOptions { Dimensions = 768 }));
        Assert.Contains("384", error.Message, StringComparison.Ordinal);
        var embeddings = await minilm.Generator.GenerateAsync([Eating], new EmbeddingGenerationOptions { Dimensions = 384 });

        Assert.Equal(384, embeddings[0].Vector.Length);
    }

    [Fact]
    public async Task A_cancelled_request_stops()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => minilm.Generator.GenerateAsync([Eating], cancellationToken: cancelled.Token));
    }
}
