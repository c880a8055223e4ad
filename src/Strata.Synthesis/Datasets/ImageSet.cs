namespace Strata.Synthesis.Datasets;

/// <summary>
/// Images of one size and colour mode held as bytes, laid out N×C×H×W (the layout a tensor wants), with optional labels.
/// </summary>
/// <param name="Pixels">Count × Channels × Height × Width bytes, 0 = black.</param>
/// <param name="Count">How many images.</param>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
/// <param name="Height">Rows per image.</param>
/// <param name="Width">Columns per image.</param>
/// <param name="Labels">One class label per image, or null when the source has none.</param>
public sealed record ImageSet(byte[] Pixels, int Count, int Channels, int Height, int Width, byte[]? Labels = null)
{
    /// <summary>Bytes per image.</summary>
    public int ImageBytes => Channels * Height * Width;

    /// <summary>The bytes of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Select(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * ImageBytes];
        var labels = Labels is null ? null : new byte[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageBytes));
            if (labels is not null)
            {
                labels[i] = Labels![indices[i]];
            }
        }

        return this with { Pixels = pixels, Count = indices.Count, Labels = labels };
    }

    /// <summary>The first <paramref name="count"/> images (all when there are fewer).</summary>
    public ImageSet Take(int count) => Select([.. Enumerable.Range(0, Math.Min(count, Count))]);
}
