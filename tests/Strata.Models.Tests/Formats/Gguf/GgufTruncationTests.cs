using Strata.Models.Formats.Gguf;
using Strata.Models.TestSupport;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>A file cut at any byte must fail with <see cref="GgufFormatException"/>, never another exception.</summary>
public sealed class GgufTruncationTests
{
    [Fact]
    public void Every_prefix_of_a_small_file_is_rejected()
    {
        var bytes = SmallFile();
        Assert.Equal(3, GgufReader.Read(new MemoryStream(bytes)).Tensors.Count);

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = new MemoryStream(bytes, 0, length, writable: false);
            var exception = Record.Exception(() => GgufReader.Read(prefix));
            Assert.True(exception is GgufFormatException, $"a file cut to {length} of {bytes.Length} bytes gave {exception?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void Every_prefix_of_the_tiny_model_header_and_a_sample_of_its_data_is_rejected()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("tiny.gguf");
        TinyLlamaGguf.Write(path);
        var bytes = File.ReadAllBytes(path);
        var dataOffset = (int)GgufReader.Read(path).DataOffset;

        // Every cut inside the header, where the parsing happens; then every 997th byte of the data, and the last one.
        var lengths = Enumerable.Range(0, dataOffset + 1)
            .Concat(Enumerable.Range(0, (bytes.Length - dataOffset) / 997).Select(i => dataOffset + (i * 997)))
            .Append(bytes.Length - 1);
        foreach (var length in lengths)
        {
            var exception = Record.Exception(() => GgufReader.Read(new MemoryStream(bytes, 0, length, writable: false)));
            Assert.True(exception is GgufFormatException, $"a file cut to {length} of {bytes.Length} bytes gave {exception?.GetType().Name ?? "no exception"}");
        }
    }

    private static byte[] SmallFile()
    {
        var stream = new MemoryStream();
        new GgufWriter()
            .Add("general.architecture", GgufValue.String("llama"))
            .Add("count", GgufValue.UInt32(3))
            .Add("ratio", GgufValue.Float64(0.5))
            .Add("flag", GgufValue.Bool(true))
            .Add("tokens", GgufValue.Array(new[] { "<s>", "▁hi" }))
            .Add("scores", GgufValue.Array(new[] { 0f, -1f }))
            .AddTensor("a", [2], [1f, 2f])
            .AddTensor("b", [2, 3], new float[6])
            .AddTensor("c", [1, 1, 1, 1], [7f])
            .WriteTo(stream);
        return stream.ToArray();
    }
}
