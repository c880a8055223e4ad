using Strata.Models.Formats.Gguf;

namespace Strata.Models.Tests.Formats.Gguf;

public sealed class GgufSummaryTests
{
    [Theory]
    [InlineData(0u, "F32")]
    [InlineData(1u, "F16")]
    [InlineData(7u, "Q8_0")]
    [InlineData(15u, "Q4_K_M")]
    [InlineData(18u, "Q6_K")]
    [InlineData(32u, "BF16")]
    [InlineData(38u, "MXFP4_MOE")]
    [InlineData(1024u + 15u, "Q4_K_M")]
    public void Quantization_is_named_from_the_file_type(uint fileType, string expected)
    {
        var file = Read(new GgufWriter().Add("general.file_type", GgufValue.UInt32(fileType)).AddTensor("t", [1], [0f]));

        Assert.Equal(expected, file.Summarize().Quantization);
    }

    [Fact]
    public void Without_a_known_file_type_quantization_is_the_tensor_type_holding_the_most_bytes()
    {
        // A Q8_0 matrix of 64 x 4 (8 blocks, 272 bytes) outweighs an F32 vector of 64 (256 bytes).
        var bytes = RawGguf.Header(2, 1)
            .U32Key("general.file_type", 99)
            .TensorInfo("norm", [64])
            .TensorInfo("matrix", [64, 4], (uint)GgmlType.Q8_0, offset: 256)
            .PadTo(32)
            .Zeros(256 + 288)
            .ToArray();

        var summary = GgufReader.Read(new MemoryStream(bytes)).Summarize();

        Assert.Equal("Q8_0", summary.Quantization);
        Assert.Equal(64 + 256, summary.ParameterCount);
    }

    [Fact]
    public void A_head_count_given_per_layer_is_summarized_by_its_largest_entry()
    {
        var file = Read(new GgufWriter()
            .Add("general.architecture", GgufValue.String("openelm"))
            .Add("openelm.attention.head_count", GgufValue.Array(new uint[] { 12, 16, 20 }))
            .Add("openelm.block_count", GgufValue.UInt64(3)));

        var summary = file.Summarize();

        Assert.Equal((20L, 3L), (summary.HeadCount!.Value, summary.BlockCount!.Value));
    }

    [Fact]
    public void A_file_without_model_metadata_summarizes_to_nulls()
    {
        var summary = Read(new GgufWriter()).Summarize();

        Assert.Equal(new GgufModelSummary(null, null, 0, null, null, null, null, null, null, null, false), summary);
    }

    private static GgufFile Read(GgufWriter writer)
    {
        var stream = new MemoryStream();
        writer.WriteTo(stream);
        return GgufReader.Read(new MemoryStream(stream.ToArray()));
    }
}
