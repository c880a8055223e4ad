using System.Runtime.InteropServices;
using Strata.Models.Store;
using Strata.Synthesis.Datasets;

namespace Strata.Synthesis.Evaluation;

/// <summary>An evaluation score with what it was computed on.</summary>
/// <param name="Metric"><see cref="ResNet18Features.MetricName"/>, or the domain classifier's <see cref="DomainClassifier.MetricName"/>.</param>
/// <param name="Score">The Fréchet distance (lower is better).</param>
/// <param name="Samples">Images per side.</param>
/// <param name="Dataset">The reference dataset.</param>
/// <param name="Kid">KID on the same features, when asked for.</param>
public sealed record FidResult(string Metric, double Score, int Samples, string Dataset, double? Kid);

/// <summary>Scores generated images against a stored dataset, caching the dataset's features per sample count.</summary>
public sealed class FidEvaluator(DatasetStore datasets, ResNet18Features features)
{
    /// <summary>The reference features of <paramref name="dataset"/>'s first <paramref name="samples"/> test images (training images when it has no test split), cached.</summary>
    public float[] ReferenceFeatures(string dataset, int samples)
    {
        var manifest = datasets.Get(dataset);
        var cache = Path.Combine(datasets.FolderOf(dataset), $"features-resnet18-{manifest.ImagesSha256[..16]}-{samples}.f32");
        if (File.Exists(cache))
        {
            return MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(cache)).ToArray();
        }

        var images = datasets.Load(dataset, test: manifest.TestCount >= samples);
        if (images.Count < samples)
        {
            throw new ArgumentException($"Dataset '{dataset}' has {images.Count} images; --samples {samples} needs at least that many.");
        }

        var extracted = features.Extract(images.Take(samples));
        AtomicFile.WriteAllBytes(cache, MemoryMarshal.AsBytes(extracted.AsSpan()));
        return extracted;
    }

    /// <summary>The reference images: <paramref name="dataset"/>'s first <paramref name="samples"/> test images (training images when the test split is smaller).</summary>
    public ImageSet ReferenceImages(string dataset, int samples)
    {
        var manifest = datasets.Get(dataset);
        var images = datasets.Load(dataset, test: manifest.TestCount >= samples);
        return images.Count >= samples ? images.Take(samples)
            : throw new ArgumentException($"Dataset '{dataset}' has {images.Count} images; --samples {samples} needs at least that many.");
    }

    /// <summary>
    /// The domain score: the Fréchet distance (and KID when asked) on <paramref name="classifier"/>'s penultimate
    /// features, <paramref name="generated"/> against as many of <paramref name="dataset"/>'s reference images.
    /// </summary>
    public static FidResult EvaluateDomain(ImageSet generated, ImageSet reference, string dataset, DomainClassifier classifier, bool kid = false)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(classifier);
        var real = classifier.Extract(reference);
        var fake = classifier.Extract(generated);
        var score = FrechetDistance.Compute(real, fake, DomainClassifier.Dimensions);
        double? kernel = kid ? FrechetDistance.KernelInceptionDistance(real, fake, DomainClassifier.Dimensions) : null;
        return new FidResult(classifier.MetricName, score, generated.Count, dataset, kernel);
    }

    /// <summary>Scores <paramref name="generated"/> against the same number of <paramref name="dataset"/>'s images.</summary>
    public FidResult Evaluate(ImageSet generated, string dataset, bool kid = false)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var reference = ReferenceFeatures(dataset, generated.Count);
        var fake = features.Extract(generated);
        var score = FrechetDistance.Compute(reference, fake, ResNet18Features.Dimensions);
        double? kernel = kid ? FrechetDistance.KernelInceptionDistance(reference, fake, ResNet18Features.Dimensions) : null;
        return new FidResult(ResNet18Features.MetricName, score, generated.Count, dataset, kernel);
    }
}
