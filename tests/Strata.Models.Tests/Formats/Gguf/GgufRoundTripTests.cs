using Strata.Models.Formats.Gguf;

namespace Strata.Models.Tests.Formats.Gguf;

public sealed class GgufRoundTripTests
{
    private static GgufWriter WriterWithEveryValueType() => new GgufWriter()
        .Add("general.architecture", GgufValue.String("test"))
        .Add("u8", GgufValue.UInt8(200))
        .Add("i8", GgufValue.Int8(-100))
        .Add("u16", GgufValue.UInt16(60000))
        .Add("i16", GgufValue.Int16(-30000))
        .Add("u32", GgufValue.UInt32(4000000000))
        .Add("i32", GgufValue.Int32(-2000000000))
        .Add("f32", GgufValue.Float32(3.25f))
        .Add("bool", GgufValue.Bool(true))
        .Add("string", GgufValue.String("héllo ▁wörld"))
        .Add("empty string", GgufValue.String(string.Empty))
        .Add("u64", GgufValue.UInt64(ulong.MaxValue))
        .Add("i64", GgufValue.Int64(long.MinValue))
        .Add("f64", GgufValue.Float64(-1e300))
        .Add("u8 array", GgufValue.Array(new byte[] { 1, 2, 255 }))
        .Add("i8 array", GgufValue.Array(new sbyte[] { -1, 2 }))
        .Add("u16 array", GgufValue.Array(new ushort[] { 1, 65535 }))
        .Add("i16 array", GgufValue.Array(new short[] { -2, 3 }))
        .Add("u32 array", GgufValue.Array(new uint[] { 7, uint.MaxValue }))
        .Add("i32 array", GgufValue.Array(new[] { -7, 9 }))
        .Add("f32 array", GgufValue.Array(new[] { 0.5f, -0.25f }))
        .Add("bool array", GgufValue.Array(new[] { true, false, true }))
        .Add("string array", GgufValue.Array(new[] { "a", string.Empty, "▁c" }))
        .Add("u64 array", GgufValue.Array(new ulong[] { 0, ulong.MaxValue }))
        .Add("i64 array", GgufValue.Array(new long[] { long.MinValue, 5 }))
        .Add("f64 array", GgufValue.Array(new[] { 1.5, double.MaxValue }))
        .Add("empty array", GgufValue.Array(Array.Empty<uint>()))
        .AddTensor("vector", [3], [1f, 2f, 3f])
        .AddTensor("matrix", [4, 2], [.. Enumerable.Range(0, 8).Select(i => (float)i)])
        .AddTensor("cube", [2, 2, 2], new float[8]);

    [Fact]
    public void Reading_a_written_file_gives_back_the_same_metadata_and_tensors()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("round-trip.gguf");
        var writer = WriterWithEveryValueType();
        writer.Write(path);

        var file = GgufReader.Read(path);

        Assert.Equal(3, file.Version);
        Assert.Equal(32, file.Alignment);
        Assert.Equal(writer.Metadata.Keys, file.Metadata.Keys);
        foreach (var (key, value) in writer.Metadata)
        {
            Assert.Equal(value, file.Metadata[key]);
        }

        Assert.Equal(
            [
                new GgufTensorInfo("vector", [3], GgmlType.F32, 0, 12),
                new GgufTensorInfo("matrix", [4, 2], GgmlType.F32, 32, 32),
                new GgufTensorInfo("cube", [2, 2, 2], GgmlType.F32, 64, 32),
            ],
            file.Tensors);
        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal(file.DataOffset + 96, new FileInfo(path).Length);
    }

    [Fact]
    public void Tensor_data_lies_where_the_reader_says()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("data.gguf");
        WriterWithEveryValueType().Write(path);

        var file = GgufReader.Read(path);
        var matrix = file.Tensors.Single(tensor => tensor.Name == "matrix");
        var bytes = File.ReadAllBytes(path).AsSpan((int)(file.DataOffset + matrix.Offset), (int)matrix.ByteSize);

        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray());
    }

    [Fact]
    public void A_custom_alignment_is_honoured_by_writer_and_reader()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("aligned.gguf");
        new GgufWriter()
            .Add("general.alignment", GgufValue.UInt32(64))
            .AddTensor("a", [3], [1f, 2f, 3f])
            .AddTensor("b", [3], [4f, 5f, 6f])
            .Write(path);

        var file = GgufReader.Read(path);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal([0L, 64L], file.Tensors.Select(tensor => tensor.Offset));
    }

    [Fact]
    public void Reading_from_a_stream_matches_reading_the_file()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("stream.gguf");
        WriterWithEveryValueType().Write(path);

        var fromPath = GgufReader.Read(path);
        var fromStream = GgufReader.Read(new MemoryStream(File.ReadAllBytes(path)));

        Assert.Equal(fromPath.Metadata, fromStream.Metadata);
        Assert.Equal(fromPath.Tensors, fromStream.Tensors);
        Assert.Equal(fromPath.DataOffset, fromStream.DataOffset);
    }

    [Fact]
    public void Writing_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("model.gguf");
        File.WriteAllText(path, "old contents");

        new GgufWriter().Add("general.name", GgufValue.String("new")).Write(path);

        Assert.Equal("new", GgufReader.Read(path).GetString("general.name"));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void The_writer_refuses_what_the_reader_would_reject()
    {
        var writer = new GgufWriter().Add("key", GgufValue.UInt8(1)).AddTensor("t", [2], [1f, 2f]);

        Assert.Throws<ArgumentException>(() => writer.Add("key", GgufValue.UInt8(2)));
        Assert.Throws<ArgumentException>(() => writer.Add("general.alignment", GgufValue.UInt32(3)));
        Assert.Throws<ArgumentException>(() => writer.Add("general.alignment", GgufValue.Int32(32)));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", [2], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("wrong size", [2, 2], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("no dimensions", [], []));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("zero", [0], []));
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('x', 64), [1], [1f]));
    }
}
