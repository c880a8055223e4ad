using Strata.Synthesis.Configuration;
using Strata.Synthesis.Datasets;
using static TorchSharp.torch;

namespace Strata.Synthesis.Training;

/// <summary>
/// A dataset held as one byte tensor, served as batches scaled to [-1, 1]. The order of epoch e comes from
/// <see cref="Random"/> seeded with (seed, e), so batch k is a function of k alone: what exact resume needs.
/// </summary>
internal sealed class TrainingBatches : IDisposable
{
    private readonly Tensor data;
    private readonly int count;
    private readonly long seed;
    private readonly bool flip;
    private int[]? epochOrder;
    private long orderEpoch = -1;

    /// <summary>Checks that <paramref name="images"/> fit <paramref name="config"/> and holds them.</summary>
    public TrainingBatches(SynthesisConfig config, ImageSet images)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Channels != config.Image.Channels || images.Height != config.Image.Size || images.Width != config.Image.Size)
        {
            throw new ArgumentException(
                $"The dataset's images are {images.Channels}×{images.Height}×{images.Width}; config '{config.Name}' expects {config.Image.Channels}×{config.Image.Size}×{config.Image.Size}. Import it with --size {config.Image.Size}{(config.Image.Channels == 1 ? " --grayscale" : "")}.");
        }

        if (images.Count == 0)
        {
            throw new ArgumentException("The dataset has no training images.");
        }

        count = images.Count;
        seed = config.Training.Seed;
        flip = config.Training.Flip;
        BatchSize = Math.Min(config.Training.BatchSize, count);
        data = tensor(images.Pixels, [images.Count, images.Channels, images.Height, images.Width]);
    }

    /// <summary>Images per batch (the config's batch, or the whole dataset when smaller).</summary>
    public int BatchSize { get; }

    /// <summary>Batch number <paramref name="batch"/>, flipped at random (global generator) when configured.</summary>
    public Tensor Get(long batch)
    {
        var perEpoch = count / BatchSize;
        var epoch = batch / perEpoch;
        if (epoch != orderEpoch)
        {
            epochOrder = [.. Enumerable.Range(0, count)];
            new Random(HashCode.Combine(seed, epoch)).Shuffle(epochOrder);
            orderEpoch = epoch;
        }

        var start = (int)(batch % perEpoch) * BatchSize;
        var indices = tensor(epochOrder.AsSpan(start, BatchSize).ToArray().Select(i => (long)i).ToArray());
        var images = data.index_select(0, indices).to_type(ScalarType.Float32) / 127.5f - 1f;
        if (flip)
        {
            var flips = rand(BatchSize, 1, 1, 1) < 0.5;
            images = where(flips, images.flip(3), images);
        }

        return images;
    }

    /// <inheritdoc/>
    public void Dispose() => data.Dispose();
}
