using Strata.Models.Store;

namespace Strata.Models.Tests.Store;

public sealed class ModelNameTests
{
    [Theory]
    [InlineData("minilm")]
    [InlineData("tiny")]
    [InlineData("owner/repo")]
    [InlineData("qwen2.5:0.5b-q4_k_m")]
    public void Ordinary_names_are_valid(string name) => Assert.Null(ModelName.Validate(name));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/../b")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("UPPER")]
    [InlineData("space name")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    [InlineData("a\0b")]
    public void Hostile_names_are_rejected_with_a_reason(string name) => Assert.NotNull(ModelName.Validate(name));

    [Theory]
    [InlineData("owner/repo", "owner%2Frepo.json")]
    [InlineData("m:q4", "m%3Aq4.json")]
    [InlineData("plain", "plain.json")]
    public void Manifest_file_names_never_contain_separators(string name, string fileName) =>
        Assert.Equal(fileName, ModelName.ToFileName(name));

    [Theory]
    [InlineData("TheBloke/Llama-2-7B-GGUF", "thebloke/llama-2-7b-gguf")]
    [InlineData("sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-minilm-l6-v2")]
    [InlineData("../..", "model")]
    [InlineData("a b/..c", "a-b/c")]
    public void Normalize_turns_free_text_into_a_valid_name(string text, string expected)
    {
        var normalized = ModelName.Normalize(text);
        Assert.Equal(expected, normalized);
        Assert.Null(ModelName.Validate(normalized));
    }
}
