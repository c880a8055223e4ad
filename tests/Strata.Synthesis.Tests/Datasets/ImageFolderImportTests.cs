using SkiaSharp;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Tests.Datasets;

public sealed class ImageFolderImportTests
{
    [Fact]
    public void Bad_images_are_dropped_with_reasons_and_duplicates_removed()
    {
        using var dir = new TemporaryFolder();
        var folder = Directory.CreateDirectory(dir.Combine("photos")).FullName;
        WriteImage(Path.Combine(folder, "red.png"), SKColors.Red, 40, 30, SKEncodedImageFormat.Png);
        WriteImage(Path.Combine(folder, "blue.jpg"), SKColors.Blue, 20, 50, SKEncodedImageFormat.Jpeg);
        WriteImage(Path.Combine(folder, "green.png"), SKColors.Lime, 16, 16, SKEncodedImageFormat.Png);
        File.Copy(Path.Combine(folder, "red.png"), Path.Combine(folder, "red-copy.png"));
        File.WriteAllBytes(Path.Combine(folder, "noise.png"), [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 37))]);
        var jpeg = File.ReadAllBytes(Path.Combine(folder, "blue.jpg"));
        File.WriteAllBytes(Path.Combine(folder, "truncated.jpg"), jpeg[..20]);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");

        var store = new DatasetStore(new Strata.Core.StrataPaths(dir.Combine("home")));
        var manifest = new DatasetImporter(store).Import(folder, new DatasetImportOptions("shapes", Size: 8, TestFraction: 0.34));

        var report = manifest.Cleaning!;
        Assert.Equal(6, report.Found);
        Assert.Equal(3, report.Kept);
        Assert.Equal(1, report.Duplicates);
        Assert.Equal(["noise.png", "truncated.jpg"], report.Dropped.Select(d => d.File).Order(StringComparer.Ordinal));
        Assert.All(report.Dropped, d => Assert.Contains("not a decodable", d.Reason, StringComparison.Ordinal));
        Assert.Equal((3, 8, 8), (manifest.Channels, manifest.Height, manifest.Width));
        Assert.Equal(3, manifest.TrainCount + manifest.TestCount);
        Assert.Equal(1, manifest.TestCount);

        // Colours survive the normalisation: every stored image is one of the three solid colours.
        var all = store.Load("shapes").Pixels.Concat(store.Load("shapes", test: true).Pixels).ToArray();
        var firstPixels = Enumerable.Range(0, 3).Select(i => (all[i * 192], all[i * 192 + 64], all[i * 192 + 128])).ToHashSet();
        Assert.Contains(((byte)255, (byte)0, (byte)0), firstPixels);
        Assert.Contains(((byte)0, (byte)255, (byte)0), firstPixels);
    }

    [Fact]
    public void Grayscale_import_uses_luma()
    {
        using var dir = new TemporaryFolder();
        var folder = Directory.CreateDirectory(dir.Combine("p")).FullName;
        WriteImage(Path.Combine(folder, "red.png"), SKColors.Red, 10, 10, SKEncodedImageFormat.Png);
        WriteImage(Path.Combine(folder, "white.png"), SKColors.White, 10, 10, SKEncodedImageFormat.Png);
        var (images, _, _) = ImageFolderReader.Read(folder, 4, grayscale: true);
        Assert.Equal(1, images.Channels);
        Assert.Equal([76, 255], new[] { images.Image(0)[0], images.Image(1)[0] });
    }

    [Fact]
    public void A_folder_without_usable_images_fails()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllBytes(dir.Combine("broken.png"), [1, 2, 3]);
        var store = new DatasetStore(new Strata.Core.StrataPaths(dir.Combine("home")));
        var error = Assert.Throws<ArgumentException>(() => new DatasetImporter(store).Import(dir.Path, new DatasetImportOptions("none")));
        Assert.Contains("1 undecodable", error.Message, StringComparison.Ordinal);
    }

    private static void WriteImage(string path, SKColor colour, int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(colour);
        using var data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
    }
}
