using SkiaSharp;
using Strata.Models.Store;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Imaging;

/// <summary>Writes images as one PNG grid (or one PNG each), atomically.</summary>
public static class ImageGrid
{
    /// <summary>The padding between cells, in pixels.</summary>
    public const int Padding = 2;

    /// <summary>Columns used for <paramref name="count"/> images: the smallest square that holds them.</summary>
    public static int ColumnsFor(int count) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(count)));

    /// <summary>The pixel size of a grid of <paramref name="count"/> images of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static (int Width, int Height) SizeOf(int count, int height, int width)
    {
        var columns = ColumnsFor(count);
        var rows = (count + columns - 1) / columns;
        return (columns * (width + Padding) + Padding, rows * (height + Padding) + Padding);
    }

    /// <summary>Encodes all images of <paramref name="images"/> as one PNG grid.</summary>
    public static byte[] EncodePng(ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (width, height) = SizeOf(images.Count, images.Height, images.Width);
        using var grid = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(grid))
        {
            canvas.Clear(new SKColor(40, 40, 40));
            var columns = ColumnsFor(images.Count);
            for (var i = 0; i < images.Count; i++)
            {
                using var cell = ImageConversion.FromPlanes(images.Image(i), images.Channels, images.Height, images.Width);
                using var image = SKImage.FromBitmap(cell);
                canvas.DrawImage(image, Padding + i % columns * (images.Width + Padding), Padding + i / columns * (images.Height + Padding), new SKSamplingOptions(SKFilterMode.Nearest));
            }
        }

        return Encode(grid);
    }

    /// <summary>Encodes image <paramref name="index"/> of <paramref name="images"/> alone, at its own size (no grid padding).</summary>
    public static byte[] EncodePng(ImageSet images, int index)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var bitmap = ImageConversion.FromPlanes(images.Image(index), images.Channels, images.Height, images.Width);
        return Encode(bitmap);
    }

    /// <summary>Writes the grid PNG to <paramref name="path"/> (temporary file, flush, rename).</summary>
    public static void Save(ImageSet images, string path) => WriteAtomically(path, EncodePng(images));

    /// <summary>Writes one PNG per image, <c>PREFIX-0000.png</c> onwards, and returns the paths.</summary>
    public static IReadOnlyList<string> SaveSeparately(ImageSet images, string pathPrefix)
    {
        ArgumentNullException.ThrowIfNull(images);
        var paths = new List<string>();
        for (var i = 0; i < images.Count; i++)
        {
            using var bitmap = ImageConversion.FromPlanes(images.Image(i), images.Channels, images.Height, images.Width);
            var path = $"{pathPrefix}-{i:D4}.png";
            WriteAtomically(path, Encode(bitmap));
            paths.Add(path);
        }

        return paths;
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void WriteAtomically(string path, byte[] bytes) => AtomicFile.WriteAllBytes(path, bytes);
}
