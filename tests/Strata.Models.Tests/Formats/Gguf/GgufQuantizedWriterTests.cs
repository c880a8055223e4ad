using Strata.Models.Formats.Gguf;
using Strata.Models.Llama;
using Strata.Models.TestSupport;
using Strata.Models.Tests.Llama;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>
/// The writer's F16 and Q8_0 tensors: laid out and sized as ggml's type table says, Q8_0 values within half a scale
/// step of the originals, and models written with them load and generate in llama.cpp.
/// </summary>
public sealed class GgufQuantizedWriterTests
{
    [Fact]
    public void A_q8_0_tensor_holds_a_half_scale_and_32_rounded_bytes_per_block()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("q8.gguf");
        var values = Enumerable.Range(0, 64).Select(i => MathF.Sin(i) * (i < 32 ? 0.5f : 3f)).ToArray();
        new GgufWriter().Add("general.architecture", GgufValue.String("test")).AddTensor("q", [64], values, GgmlType.Q8_0).Write(path);

        var file = GgufReader.Read(path);
        var tensor = Assert.Single(file.Tensors);
        Assert.Equal(GgmlType.Q8_0, tensor.Type);
        Assert.Equal(68, tensor.ByteSize);
        var bytes = File.ReadAllBytes(path).AsSpan((int)(file.DataOffset + tensor.Offset), 68);
        for (var block = 0; block < 2; block++)
        {
            var scale = (float)BitConverter.ToHalf(bytes.Slice(block * 34, 2));
            var largest = values.Skip(block * 32).Take(32).Max(MathF.Abs);
            Assert.Equal(largest / 127f, scale, 1e-3f * largest);
            for (var i = 0; i < 32; i++)
            {
                var decoded = (sbyte)bytes[(block * 34) + 2 + i] * scale;
                Assert.True(MathF.Abs(decoded - values[(block * 32) + i]) <= (scale / 2) + 1e-4f, $"block {block} value {i}: {decoded} for {values[(block * 32) + i]}");
            }
        }
    }

    [Fact]
    public void A_row_that_is_not_whole_q8_0_blocks_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("q", [48], new float[48], GgmlType.Q8_0));

        Assert.Contains("block size 32", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    public async Task A_tiny_model_in_a_denser_type_loads_and_generates_in_llama_cpp(GgmlType type)
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path, new TinyLlamaOptions { TensorType = type, RepeatBlockWeights = true });
        Assert.Contains(GgufReader.Read(path).Tensors, tensor => tensor.Name == "blk.1.attn_q.weight" && tensor.Type == type);

        using var client = LlamaChatClient.FromFile(path, TinyModelFixture.Options);
        var response = await client.GetResponseAsync(TinyModelFixture.Hello(), TinyModelFixture.Greedy(4));

        Assert.Equal(4, response.Usage!.OutputTokenCount);
    }
}
