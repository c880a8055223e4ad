namespace Strata.Synthesis.Datasets;

/// <summary>
/// A stored dataset's description (<c>manifest.json</c> beside <c>images.u8</c>): the images are
/// <see cref="TrainCount"/> training images followed by <see cref="TestCount"/> test images, each
/// <see cref="Channels"/>×<see cref="Height"/>×<see cref="Width"/> bytes.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>The dataset's name.</summary>
    public required string Name { get; init; }

    /// <summary>Where it was imported from.</summary>
    public required string Source { get; init; }

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public required int Channels { get; init; }

    /// <summary>Image height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Image width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Training images (stored first).</summary>
    public required int TrainCount { get; init; }

    /// <summary>Test images (stored after the training images).</summary>
    public required int TestCount { get; init; }

    /// <summary>Whether <c>labels.u8</c> holds one label per image.</summary>
    public bool HasLabels { get; init; }

    /// <summary>Class names by label, when known.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>What cleaning did (folders of images only).</summary>
    public CleaningReport? Cleaning { get; init; }

    /// <summary>SHA-256 of <c>images.u8</c>, checked on load and keying cached FID reference statistics.</summary>
    public required string ImagesSha256 { get; init; }

    /// <summary>When it was imported.</summary>
    public DateTimeOffset Created { get; init; }
}
