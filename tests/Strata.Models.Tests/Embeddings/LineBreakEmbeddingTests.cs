namespace Strata.Models.Tests.Embeddings;

/// <summary>
/// A line break is a word boundary, as for the reference tokenizer: text broken over lines embeds like the same text
/// on one line. (With line breaks deleted the two scored a cosine of 0.893.)
/// </summary>
public sealed class LineBreakEmbeddingTests(MiniLmFixture minilm) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public async Task Text_over_several_lines_embeds_like_the_same_text_on_one_line()
    {
        var embeddings = await minilm.Generator.GenerateAsync(["red apples\nyellow bananas\ngreen pears", "red apples yellow bananas green pears", "red apples\tyellow bananas\r\ngreen\u00A0pears"]);

        Assert.True(Vectors.Cosine(embeddings[0].Vector, embeddings[1].Vector) > 0.9999f);
        Assert.True(Vectors.Cosine(embeddings[2].Vector, embeddings[1].Vector) > 0.9999f);
    }
}
