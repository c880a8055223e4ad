using SkiaSharp;

namespace Strata.Synthesis.Imaging;

/// <summary>Conversions between SkiaSharp bitmaps and the planar bytes (C×H×W) datasets and tensors use.</summary>
public static class ImageConversion
{
    /// <summary>Centre-crops <paramref name="bitmap"/> to a square, scales it to <paramref name="size"/> and returns C×H×W bytes.</summary>
    public static byte[] ToPlanes(SKBitmap bitmap, int size, bool grayscale)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        var side = Math.Min(bitmap.Width, bitmap.Height);
        var source = SKRectI.Create((bitmap.Width - side) / 2, (bitmap.Height - side) / 2, side, side);
        using var scaled = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(scaled))
        {
            // Transparent pixels become black, the background of the datasets we train on.
            canvas.Clear(SKColors.Black);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, SKRect.Create(source.Left, source.Top, source.Width, source.Height), SKRect.Create(size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var channels = grayscale ? 1 : 3;
        var planes = new byte[channels * size * size];
        var rgba = scaled.GetPixelSpan();
        var plane = size * size;
        for (var i = 0; i < plane; i++)
        {
            byte r = rgba[i * 4], g = rgba[i * 4 + 1], b = rgba[i * 4 + 2];
            if (grayscale)
            {
                // ITU-R BT.601 luma, the weights PIL's "L" mode uses.
                planes[i] = (byte)Math.Clamp((int)Math.Round(0.299 * r + 0.587 * g + 0.114 * b), 0, 255);
            }
            else
            {
                planes[i] = r;
                planes[plane + i] = g;
                planes[2 * plane + i] = b;
            }
        }

        return planes;
    }

    /// <summary>
    /// The C×H×W bytes (1 or 3 channels) of a PNG that <see cref="FromPlanes"/> made, exactly: no scaling or colour
    /// conversion, so images that crossed a channel as PNG files become the planes they were made from.
    /// </summary>
    public static byte[] PlanesOfPng(byte[] png, int channels)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new InvalidDataException("Not a PNG image.");
        using var bitmap = decoded.ColorType == SKColorType.Rgba8888 ? decoded.Copy() : decoded.Copy(SKColorType.Rgba8888);
        var rgba = bitmap.GetPixelSpan();
        var plane = bitmap.Width * bitmap.Height;
        var planes = new byte[channels * plane];
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < channels; c++)
            {
                planes[c * plane + i] = rgba[i * 4 + c];
            }
        }

        return planes;
    }

    /// <summary>Makes a bitmap from one C×H×W image (1 or 3 channels).</summary>
    public static SKBitmap FromPlanes(ReadOnlySpan<byte> planes, int channels, int height, int width)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = bitmap.GetPixelSpan();
        var plane = height * width;
        for (var i = 0; i < plane; i++)
        {
            var r = planes[i];
            var g = channels == 3 ? planes[plane + i] : r;
            var b = channels == 3 ? planes[2 * plane + i] : r;
            rgba[i * 4] = r;
            rgba[i * 4 + 1] = g;
            rgba[i * 4 + 2] = b;
            rgba[i * 4 + 3] = 255;
        }

        return bitmap;
    }
}
