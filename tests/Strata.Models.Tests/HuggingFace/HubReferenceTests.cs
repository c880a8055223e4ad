using Strata.Models.HuggingFace;

namespace Strata.Models.Tests.HuggingFace;

public class HubReferenceTests
{
    [Theory]
    [InlineData("hf://owner/repo", "owner", "repo", null, "main")]
    [InlineData("hf://TheBloke/Llama-2-7B-GGUF@v1.0", "TheBloke", "Llama-2-7B-GGUF", null, "v1.0")]
    [InlineData("hf://sentence-transformers/all-MiniLM-L6-v2/onnx/model.onnx", "sentence-transformers", "all-MiniLM-L6-v2", "onnx/model.onnx", "main")]
    [InlineData("hf://o/r/folder/@refs/pr/1", "o", "r", "folder", "refs/pr/1")]
    [InlineData("hf://o/r/weights@2x.gguf@main", "o", "r", "weights@2x.gguf", "main")]
    [InlineData("HF://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf@9217f5db79a29953eb74d5343926648285ec7e67",
        "Qwen", "Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", "9217f5db79a29953eb74d5343926648285ec7e67")]
    public void Parses_valid_references(string text, string owner, string repository, string? path, string revision)
    {
        var reference = HubReference.Parse(text);

        Assert.Equal(new HubReference(owner, repository, path, revision), reference);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("owner/repo", "hf://")]
    [InlineData("https://huggingface.co/owner/repo", "hf://")]
    [InlineData("hf://owner", "hf://owner/repo")]
    [InlineData("hf://owner/", "hf://owner/repo")]
    [InlineData("hf:///repo", "hf://owner/repo")]
    [InlineData("hf://owner/repo@", "empty")]
    [InlineData("hf://owner/repo/../../etc/passwd", "'..'")]
    [InlineData("hf://owner/repo/a/./b", "'.'")]
    [InlineData("hf://owner/repo/a//b", "empty")]
    [InlineData("hf://owner/repo/a\\..\\b", "backslash")]
    [InlineData("hf://owner/repo@../../main", "'..'")]
    [InlineData("hf://owner/repo@main;rm -rf", "may only contain")]
    [InlineData("hf://owner/repo?x=1", "'?'")]
    [InlineData("hf://owner/repo#frag", "'#'")]
    [InlineData("hf://own er/repo", "may only contain")]
    [InlineData("hf://owner/re%2e%2epo", "may only contain")]
    [InlineData("hf://-owner/repo", "start or end")]
    [InlineData("hf://owner/repo.", "start or end")]
    [InlineData("hf://owner/re--po", "'--'")]
    [InlineData("hf://owner/re..po", "'--' or '..'")]
    [InlineData("hf://owner/repo/file\n.gguf", "control")]
    [InlineData("hf://ownér/repo", "may only contain")]
    public void Rejects_malformed_references_saying_why(string? text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => HubReference.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(HubReference.TryParse(text, out _, out _));
    }

    [Fact]
    public void Rejects_names_longer_than_the_hub_allows()
    {
        Assert.Throws<FormatException>(() => HubReference.Parse($"hf://owner/{new string('a', 97)}"));
        Assert.Equal(96, HubReference.Parse($"hf://owner/{new string('a', 96)}").Repository.Length);
    }

    [Fact]
    public void Writes_back_the_reference_with_its_revision()
    {
        Assert.Equal("hf://o/r/a/b.gguf@main", HubReference.Parse("hf://o/r/a/b.gguf").ToString());
    }
}
