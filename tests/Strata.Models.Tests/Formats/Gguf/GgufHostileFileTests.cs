using Strata.Models.Formats.Gguf;

namespace Strata.Models.Tests.Formats.Gguf;

/// <summary>Malformed and hostile files, each wrong in one way, must fail with a message that names the problem.</summary>
public sealed class GgufHostileFileTests
{
    private const ulong TwoToThe40 = 1UL << 40;

    // A valid file with one F32 tensor of [8] (32 bytes), varied one field at a time.
    private static byte[] OneTensor(
        ulong[]? dimensions = null, uint type = 0, ulong offset = 0, int dataBytes = 32, uint? alignment = null, string name = "t")
    {
        var file = RawGguf.Header(tensorCount: 1, keyValueCount: alignment is null ? 1UL : 2UL)
            .StringKey("general.name", "hostile");
        if (alignment is not null)
        {
            file.U32Key("general.alignment", alignment.Value);
        }

        return file.TensorInfo(name, dimensions ?? [8], type, offset)
            .PadTo(alignment is null or 0 or 3 ? 32 : (int)alignment.Value)
            .Zeros(dataBytes)
            .ToArray();
    }

    private static readonly Dictionary<string, (Func<byte[]> Build, string Fragment)> Cases = new()
    {
        ["bad magic"] = (() => [(byte)'P', (byte)'K', 3, 4, .. new byte[60]], "the first 4 bytes are 'PK..' (expected 'GGUF')"),
        ["empty file"] = (() => [], "too short for the 'GGUF' magic"),
        ["version 0"] = (() => RawGguf.Header(0, 0, version: 0).ToArray(), "unsupported GGUF version 0"),
        ["version 1"] = (() => RawGguf.Header(0, 0, version: 1).ToArray(), "GGUF version 1 at offset 4 is no longer supported"),
        ["version 4"] = (() => RawGguf.Header(0, 0, version: 4).ToArray(), "unsupported GGUF version 4"),
        ["big-endian version"] = (() => RawGguf.Header(0, 0, version: 0x03000000).ToArray(), "big-endian"),
        ["tensor count 2^63"] = (() => RawGguf.Header(1UL << 63, 0).Zeros(64).ToArray(), "tensor count 9223372036854775808 at offset 8 is implausible"),
        ["key-value count 2^40"] = (() => RawGguf.Header(0, TwoToThe40).Zeros(64).ToArray(), "metadata key-value count 1099511627776 at offset 16 is implausible"),
        ["string length past the end"] = (
            () => RawGguf.Header(0, 1).U64(TwoToThe40).Zeros(4064).ToArray(),
            "string length 1099511627776 at offset 24 runs past the end of the file (file is 4096 bytes)"),
        ["array count overflowing count * element size"] = (
            () => RawGguf.Header(0, 1).Str("tokens").U32(9).U32(4).U64((1UL << 62) + 1).Zeros(16).ToArray(),
            "array 'tokens' declares 4611686018427387905 UInt32 elements"),
        ["string array count past the end"] = (
            () => RawGguf.Header(0, 1).Str("tokens").U32(9).U32(8).U64(1000).Zeros(16).ToArray(),
            "array 'tokens' declares 1000 String elements"),
        ["unknown value type"] = (() => RawGguf.Header(0, 1).Str("key").U32(13).U32(0).ToArray(), "metadata key 'key' has unknown value type 13 at offset 35"),
        ["unknown array element type"] = (() => RawGguf.Header(0, 1).Str("key").U32(9).U32(99).U64(0).ToArray(), "metadata key 'key' has unknown value type 99"),
        ["nested array"] = (() => RawGguf.Header(0, 1).Str("key").U32(9).U32(9).U64(1).Zeros(16).ToArray(), "is an array of arrays"),
        ["duplicate key"] = (
            () => RawGguf.Header(0, 2).StringKey("general.name", "a").StringKey("general.name", "b").ToArray(),
            "duplicate metadata key 'general.name' at offset"),
        ["alignment 0"] = (() => OneTensor(alignment: 0), "general.alignment is 0; it must be a non-zero power of two"),
        ["alignment 3"] = (() => OneTensor(alignment: 3), "general.alignment is 3; it must be a non-zero power of two"),
        ["alignment of the wrong type"] = (
            () => RawGguf.Header(0, 1).Str("general.alignment").U32(5).I32(32).ToArray(),
            "general.alignment must be a UInt32, but it is a Int32"),
        ["unknown ggml type"] = (() => OneTensor(type: 43), "tensor 't' has unknown ggml type 43"),
        ["removed ggml type"] = (() => OneTensor(type: 4), "unknown ggml type 4 (at offset 84, a type ggml has removed)"),
        ["zero dimensions"] = (() => OneTensor(dimensions: []), "tensor 't' has 0 dimensions"),
        ["five dimensions"] = (() => OneTensor(dimensions: [8, 1, 1, 1, 1]), "tensor 't' has 5 dimensions"),
        ["a dimension of 0"] = (() => OneTensor(dimensions: [8, 0]), "tensor 't' dimension 1 is 0"),
        ["element count overflow"] = (() => OneTensor(dimensions: [1UL << 32, 1UL << 32]), "makes the element count overflow a 64-bit integer"),
        ["dimension above 2^63"] = (() => OneTensor(dimensions: [1UL << 63]), "makes the element count overflow a 64-bit integer"),
        ["row not a whole number of blocks"] = (() => OneTensor(dimensions: [16], type: (uint)GgmlType.Q4_0), "not a multiple of the Q4_0 block size 32"),
        ["misaligned offset"] = (() => OneTensor(offset: 4, dataBytes: 64), "has data offset 4 (at byte"),
        ["offset plus size past the end"] = (() => OneTensor(dataBytes: 31), "tensor 't' (data offset 0 at byte"),
        ["offset past the end"] = (() => OneTensor(offset: 1UL << 62), "runs past the end of the file"),
        ["offset beyond 2^63"] = (() => OneTensor(offset: ulong.MaxValue - 31), "past the end of the file"),
        ["tensor name too long"] = (() => OneTensor(name: new string('n', 64)), "is 64 bytes long; ggml allows at most 63"),
        ["duplicate tensor name"] = (
            () => RawGguf.Header(2, 0).TensorInfo("t", [8]).TensorInfo("t", [8], offset: 32).PadTo(32).Zeros(64).ToArray(),
            "duplicate tensor name 't' at offset"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_malformed_file_is_rejected_with_a_message_that_names_the_problem(string caseName)
    {
        var (build, fragment) = Cases[caseName];
        using var folder = new TemporaryFolder();
        var path = folder.Combine("hostile.gguf");
        File.WriteAllBytes(path, build());

        var exception = Assert.Throws<GgufFormatException>(() => GgufReader.Read(path));

        Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_baseline_of_the_hostile_cases_is_itself_valid()
    {
        var file = GgufReader.Read(new MemoryStream(OneTensor()));

        Assert.Equal(new GgufTensorInfo("t", [8], GgmlType.F32, 0, 32), Assert.Single(file.Tensors));
    }

    [Fact]
    public void Versions_2_and_3_are_read()
    {
        Assert.Equal(2, GgufReader.Read(new MemoryStream(RawGguf.Header(0, 0, version: 2).PadTo(32).ToArray())).Version);
        Assert.Equal(3, GgufReader.Read(new MemoryStream(RawGguf.Header(0, 0, version: 3).PadTo(32).ToArray())).Version);
    }

    [Fact]
    public void A_header_whose_data_section_would_start_past_the_end_is_rejected()
    {
        // A 24-byte header and one 33-byte tensor info end at byte 57, so the data section would start at 64.
        var bytes = RawGguf.Header(1, 0).TensorInfo("t", [1]).ToArray();

        var exception = Assert.Throws<GgufFormatException>(() => GgufReader.Read(new MemoryStream(bytes)));

        Assert.Contains("the data section starts at offset 64, past the end of the file (file is 57 bytes)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_known_ggml_type_is_accepted_with_a_row_of_one_block()
    {
        foreach (var type in Enum.GetValues<GgmlType>())
        {
            var traits = GgmlTypeTraits.Of(type);
            var paddedBytes = ((traits.TypeSize * 2) + 31) / 32 * 32;
            var bytes = OneTensor(dimensions: [(ulong)traits.BlockSize, 2], type: (uint)type, dataBytes: paddedBytes);

            var tensor = Assert.Single(GgufReader.Read(new MemoryStream(bytes)).Tensors);

            Assert.Equal(type, tensor.Type);
            Assert.Equal(traits.TypeSize * 2, tensor.ByteSize);
        }
    }
}
