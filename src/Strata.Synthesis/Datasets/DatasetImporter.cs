using Strata.Synthesis.Imaging;
using SkiaSharp;

namespace Strata.Synthesis.Datasets;

/// <summary>How to import a dataset.</summary>
/// <param name="Name">The dataset's name in the store.</param>
/// <param name="Size">Square side to scale images to; null keeps IDX images as they are and scales folders to 64.</param>
/// <param name="Grayscale">Convert to one grey channel (IDX images are grey already).</param>
/// <param name="Limit">Keep at most this many training images (and proportionally fewer test images).</param>
/// <param name="TestFraction">Share of a folder's images held out for testing (IDX files bring their own split).</param>
/// <param name="Seed">Seeds the folder split's shuffle.</param>
public sealed record DatasetImportOptions(string Name, int? Size = null, bool Grayscale = false, int? Limit = null, double TestFraction = 0.1, int Seed = 1);

/// <summary>
/// Imports a source into the <see cref="DatasetStore"/>: a folder with IDX files (<c>train-images-idx3-ubyte[.gz]</c>,
/// <c>t10k-images-idx3-ubyte[.gz]</c> and optional label files), one IDX image file, or a folder of PNG / JPEG images.
/// </summary>
public sealed class DatasetImporter(DatasetStore store)
{
    /// <summary>Imports <paramref name="source"/> and returns the stored manifest.</summary>
    /// <exception cref="InvalidDataException">An IDX file is corrupt or truncated.</exception>
    /// <exception cref="ArgumentException">The source does not exist or holds no usable images.</exception>
    public DatasetManifest Import(string source, DatasetImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var full = Path.GetFullPath(source);
        var trainIdx = Directory.Exists(full) ? FindIdx(full, "train-images") : File.Exists(full) ? full : null;
        if (!Directory.Exists(full) && !File.Exists(full))
        {
            throw new ArgumentException($"Nothing to import at '{source}': no such file or folder.");
        }

        ImageSet train, test;
        CleaningReport? cleaning = null;
        IReadOnlyList<string> classes = [];
        if (trainIdx is not null)
        {
            train = ReadIdx(trainIdx, Directory.Exists(full) ? FindIdx(full, "train-labels") : null);
            var testIdx = Directory.Exists(full) ? FindIdx(full, "t10k-images") : null;
            test = testIdx is null ? train.Take(0) : ReadIdx(testIdx, FindIdx(full, "t10k-labels"));
            if (options.Limit is { } limit)
            {
                test = test.Take((int)Math.Ceiling(limit * (double)test.Count / Math.Max(1, train.Count)));
                train = train.Take(limit);
            }

            if (options.Size is { } size && size != train.Height)
            {
                (train, test) = (Resize(train, size), Resize(test, size));
            }
        }
        else
        {
            var (images, report, names) = ImageFolderReader.Read(full, options.Size ?? 64, options.Grayscale, options.Limit);
            if (images.Count == 0)
            {
                throw new ArgumentException($"No usable images in '{source}': {report.Found} image files found, {report.Dropped.Count} undecodable.");
            }

            var order = Enumerable.Range(0, images.Count).ToArray();
            new Random(options.Seed).Shuffle(order);
            var testCount = images.Count < 2 ? 0 : Math.Max(1, (int)Math.Round(images.Count * options.TestFraction));
            (train, test, cleaning, classes) = (images.Select(order[testCount..]), images.Select(order[..testCount]), report, names);
        }

        var manifest = new DatasetManifest
        {
            Name = options.Name, Source = full, Channels = train.Channels, Height = train.Height, Width = train.Width,
            TrainCount = train.Count, TestCount = test.Count, Cleaning = cleaning, Classes = classes,
            ImagesSha256 = "", Created = DateTimeOffset.UtcNow,
        };
        return store.Save(manifest, train, test);
    }

    private static ImageSet ReadIdx(string images, string? labels)
    {
        var set = IdxReader.ReadImages(images);
        if (labels is null)
        {
            return set;
        }

        var values = IdxReader.ReadLabels(labels);
        return values.Length == set.Count ? set with { Labels = values }
            : throw new InvalidDataException($"'{Path.GetFileName(labels)}' has {values.Length:N0} labels for {set.Count:N0} images.");
    }

    private static string? FindIdx(string folder, string stem) =>
        Directory.EnumerateFiles(folder, stem + "*").Order(StringComparer.Ordinal).FirstOrDefault();

    private static ImageSet Resize(ImageSet set, int size)
    {
        var resized = new byte[set.Count * set.Channels * size * size];
        for (var i = 0; i < set.Count; i++)
        {
            using var bitmap = ImageConversion.FromPlanes(set.Image(i), set.Channels, set.Height, set.Width);
            ImageConversion.ToPlanes(bitmap, size, set.Channels == 1).CopyTo(resized, i * set.Channels * size * size);
        }

        return set with { Pixels = resized, Height = size, Width = size };
    }
}
