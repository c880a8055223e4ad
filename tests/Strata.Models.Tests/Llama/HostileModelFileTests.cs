using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Llama;

public sealed class HostileModelFileTests
{
    [Fact]
    public void A_file_of_random_bytes_fails_with_a_format_error()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("random.gguf");
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<GgufFormatException>(() => LlamaChatClient.FromFile(path));

        Assert.Contains("not a GGUF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_model_fails_with_a_format_error_and_a_whole_copy_still_generates()
    {
        using var folder = new TemporaryFolder();
        var whole = folder.Combine("whole.gguf");
        TinyLlamaGguf.Write(whole);
        var truncated = folder.Combine("truncated.gguf");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);

        Assert.Throws<GgufFormatException>(() => LlamaChatClient.FromFile(truncated));
        using var client = LlamaChatClient.FromFile(whole, TinyModelFixture.Options);
        var response = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(4));
        Assert.Equal(4, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public void A_header_claiming_two_to_the_sixty_tensors_fails_before_allocating()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("hostile.gguf");
        using (var file = File.Create(path))
        using (var writer = new BinaryWriter(file))
        {
            writer.Write("GGUF"u8);
            writer.Write(3u);
            writer.Write(1UL << 60);
            writer.Write(1UL << 60);
        }

        Assert.Throws<GgufFormatException>(() => LlamaChatClient.FromFile(path));
    }

    [Fact]
    public async Task A_valid_gguf_that_is_not_a_usable_model_fails_with_llama_cpps_reason()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("no-weights.gguf");
        // Well-formed GGUF, but a llama model without hyperparameters or tensors: only llama.cpp can tell.
        new GgufWriter().Add("general.architecture", GgufValue.String("llama")).Write(path);
        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options);

        var error = await Assert.ThrowsAsync<LlamaModelLoadException>(() => client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(4)));

        Assert.Contains("no-weights.gguf", error.Message, StringComparison.Ordinal);
        Assert.False(client.Host.IsLoaded);
    }
}
