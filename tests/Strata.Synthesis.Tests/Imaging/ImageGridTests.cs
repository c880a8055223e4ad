using SkiaSharp;
using Strata.Synthesis.Imaging;

namespace Strata.Synthesis.Tests.Imaging;

public sealed class ImageGridTests
{
    [Fact]
    public void A_grid_of_dataset_images_is_a_valid_png_of_the_expected_size()
    {
        using var fm = new FashionMnist(limit: 20);
        var path = fm.Home.Combine("out", "grid.png");
        ImageGrid.Save(fm.Train, path);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        using var decoded = SKBitmap.Decode(bytes);
        // 20 images → 5 columns × 4 rows of 28 px with 2 px padding.
        Assert.Equal((5 * 30 + 2, 4 * 30 + 2), (decoded.Width, decoded.Height));
        Assert.Equal(ImageGrid.SizeOf(20, 28, 28), (decoded.Width, decoded.Height));
        // The first cell holds the first image: its pixels, grey, at (2, 2).
        var first = fm.Train.Image(0);
        var brightest = first.IndexOf(first.ToArray().Max());
        var pixel = decoded.GetPixel(2 + brightest % 28, 2 + brightest / 28);
        Assert.Equal(first[brightest], pixel.Red);
        Assert.Equal(pixel.Red, pixel.Blue);
    }

    [Fact]
    public void Separate_files_are_one_png_per_image()
    {
        using var fm = new FashionMnist(limit: 3);
        var paths = ImageGrid.SaveSeparately(fm.Train, fm.Home.Combine("each", "img"));
        Assert.Equal(3, paths.Count);
        Assert.All(paths, p =>
        {
            using var bitmap = SKBitmap.Decode(p);
            Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));
        });
    }
}
