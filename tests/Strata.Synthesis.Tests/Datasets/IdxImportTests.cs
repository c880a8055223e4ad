using System.Buffers.Binary;
using System.IO.Compression;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Tests.Datasets;

public sealed class IdxImportTests
{
    [Fact]
    public void Fashion_mnist_imports_with_its_own_split_and_labels()
    {
        using var fm = new FashionMnist(limit: 600);
        Assert.Equal(600, fm.Manifest.TrainCount);
        Assert.Equal(100, fm.Manifest.TestCount);
        Assert.Equal((1, 28, 28), (fm.Manifest.Channels, fm.Manifest.Height, fm.Manifest.Width));
        Assert.True(fm.Manifest.HasLabels);
        var train = fm.Train;
        Assert.Equal(600 * 28 * 28, train.Pixels.Length);
        Assert.All(train.Labels!, label => Assert.InRange(label, 0, 9));
        Assert.Contains(train.Pixels, p => p > 200); // real clothes, not a blank buffer
        Assert.Single(fm.Store.List());
    }

    [Fact]
    public void Resizing_on_import_changes_the_stored_shape()
    {
        using var home = new TemporaryFolder();
        var store = new DatasetStore(new Strata.Core.StrataPaths(home.Path));
        var manifest = new DatasetImporter(store).Import(FashionMnist.Folder, new DatasetImportOptions("fm32", Size: 32, Limit: 10));
        Assert.Equal((32, 32), (manifest.Height, manifest.Width));
        Assert.Equal(10 * 32 * 32, store.Load("fm32").Pixels.Length);
    }

    [Fact]
    public void Truncated_idx_fails_with_the_sizes_in_the_message()
    {
        using var dir = new TemporaryFolder();
        var file = dir.Combine("train-images-idx3-ubyte");
        File.WriteAllBytes(file, [.. Header(3, 10, 28, 28), .. new byte[100]]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(file));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("7,840", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_of_real_fashion_mnist_fails_clearly()
    {
        using var dir = new TemporaryFolder();
        var bytes = File.ReadAllBytes(Path.Combine(FashionMnist.Folder, "t10k-images-idx3-ubyte.gz"));
        var file = dir.Combine("train-images-idx3-ubyte.gz");
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(file));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_gzip_fails_clearly()
    {
        using var dir = new TemporaryFolder();
        var file = dir.Combine("bad.gz");
        File.WriteAllBytes(file, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(file));
        Assert.Contains("bad.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_magic_and_hostile_dimensions_are_rejected_before_allocating()
    {
        using var dir = new TemporaryFolder();
        var notIdx = dir.Combine("a");
        File.WriteAllBytes(notIdx, [1, 2, 8, 3, 0, 0, 0, 1]);
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(notIdx)).Message, StringComparison.Ordinal);

        var huge = dir.Combine("b");
        File.WriteAllBytes(huge, Header(3, int.MaxValue, 60000, 60000));
        Assert.Contains("more than", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(huge)).Message, StringComparison.Ordinal);

        var labels = dir.Combine("c");
        File.WriteAllBytes(labels, [.. Header(1, 3), 1, 2, 3]);
        Assert.Contains("images need 3", Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(labels)).Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], IdxReader.ReadLabels(labels));
    }

    [Fact]
    public void Uncompressed_and_gzipped_files_read_the_same()
    {
        using var dir = new TemporaryFolder();
        byte[] idx = [.. Header(3, 2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8];
        File.WriteAllBytes(dir.Combine("raw"), idx);
        using (var gz = new GZipStream(File.Create(dir.Combine("raw.gz")), CompressionLevel.Fastest))
        {
            gz.Write(idx);
        }

        Assert.Equal(IdxReader.ReadImages(dir.Combine("raw")).Pixels, IdxReader.ReadImages(dir.Combine("raw.gz")).Pixels);
    }

    private static byte[] Header(byte dimensions, params int[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        header[2] = 0x08;
        header[3] = dimensions;
        for (var i = 0; i < sizes.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        }

        return header;
    }
}
