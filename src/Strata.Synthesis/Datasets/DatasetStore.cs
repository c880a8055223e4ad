using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Strata.Core;
using Strata.Models.Store;

namespace Strata.Synthesis.Datasets;

/// <summary>
/// Image datasets under <c>$STRATA_HOME/datasets/NAME/</c>: <c>images.u8</c> (raw N×C×H×W bytes, memory-cheap to
/// load into a tensor), <c>labels.u8</c> when there are labels, and <c>manifest.json</c>. The manifest is written
/// last, so a dataset without one was never finished and is not listed.
/// </summary>
public sealed class DatasetStore(StrataPaths paths)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The folder holding every dataset.</summary>
    public string Root { get; } = Path.Combine(paths.Home, "datasets");

    /// <summary>The folder of dataset <paramref name="name"/>.</summary>
    public string FolderOf(string name)
    {
        var problem = ModelName.Validate(name);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid dataset name '{name}': {problem}.");
        }

        return Path.Combine(Root, name);
    }

    /// <summary>Stores <paramref name="train"/> and <paramref name="test"/> as dataset <see cref="DatasetManifest.Name"/>.</summary>
    public DatasetManifest Save(DatasetManifest manifest, ImageSet train, ImageSet test)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var folder = FolderOf(manifest.Name);
        Directory.CreateDirectory(folder);
        File.Delete(Path.Combine(folder, "manifest.json"));
        var images = new byte[train.Pixels.Length + test.Pixels.Length];
        train.Pixels.CopyTo(images, 0);
        test.Pixels.CopyTo(images, train.Pixels.Length);
        AtomicFile.WriteAllBytes(Path.Combine(folder, "images.u8"), images);
        var hasLabels = train.Labels is not null && test.Labels is not null;
        if (hasLabels)
        {
            AtomicFile.WriteAllBytes(Path.Combine(folder, "labels.u8"), [.. train.Labels!, .. test.Labels!]);
        }

        var complete = manifest with
        {
            Channels = train.Channels, Height = train.Height, Width = train.Width,
            TrainCount = train.Count, TestCount = test.Count, HasLabels = hasLabels,
            ImagesSha256 = Convert.ToHexStringLower(SHA256.HashData(images)),
        };
        AtomicFile.WriteAllBytes(Path.Combine(folder, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(complete, Json));
        return complete;
    }

    /// <summary>The finished datasets, by name.</summary>
    public IReadOnlyList<DatasetManifest> List() => !Directory.Exists(Root) ? [] :
        [.. Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, "manifest.json")))
            .Select(d => ReadManifest(Path.Combine(d, "manifest.json")))];

    /// <summary>Dataset <paramref name="name"/>'s manifest.</summary>
    /// <exception cref="InvalidOperationException">No such dataset.</exception>
    public DatasetManifest Get(string name)
    {
        var file = Path.Combine(FolderOf(name), "manifest.json");
        return File.Exists(file) ? ReadManifest(file)
            : throw new InvalidOperationException($"No dataset named '{name}'. Import one with: strata datasets import SOURCE --name {name}");
    }

    /// <summary>Loads the training or test images of dataset <paramref name="name"/>.</summary>
    public ImageSet Load(string name, bool test = false)
    {
        var manifest = Get(name);
        var folder = FolderOf(name);
        var bytes = File.ReadAllBytes(Path.Combine(folder, "images.u8"));
        var imageBytes = manifest.Channels * manifest.Height * manifest.Width;
        if (bytes.Length != (long)imageBytes * (manifest.TrainCount + manifest.TestCount))
        {
            throw new InvalidDataException($"Dataset '{name}' is damaged: images.u8 has {bytes.Length:N0} bytes, its manifest implies {(long)imageBytes * (manifest.TrainCount + manifest.TestCount):N0}. Import it again.");
        }

        var (start, count) = test ? (manifest.TrainCount, manifest.TestCount) : (0, manifest.TrainCount);
        var labels = manifest.HasLabels ? File.ReadAllBytes(Path.Combine(folder, "labels.u8")).AsSpan(start, count).ToArray() : null;
        return new ImageSet(bytes.AsSpan(start * imageBytes, count * imageBytes).ToArray(), count, manifest.Channels, manifest.Height, manifest.Width, labels);
    }

    private static DatasetManifest ReadManifest(string file) =>
        JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllBytes(file), Json) ?? throw new InvalidDataException($"'{file}' is not a dataset manifest.");
}
