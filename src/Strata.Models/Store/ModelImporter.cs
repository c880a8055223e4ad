using Strata.Models.Runners;

namespace Strata.Models.Store;

/// <summary>
/// Imports model files from the local file system into the store. With a <see cref="ModelTrialLoader"/>, the model is
/// also loaded once in a runner before anything is copied, so a file its runtime refuses or crashes on is never stored.
/// </summary>
public sealed class ModelImporter(ModelStore store, ModelTrialLoader? trial = null)
{
    /// <summary>The most files one folder import takes; a model is a handful of files, not a tree of thousands.</summary>
    public const int MaxFiles = 1000;

    /// <summary>
    /// Imports a model file or folder as <paramref name="name"/>. The main file is validated before anything is
    /// written, so a file that is not what it claims fails with a clear message and leaves the store unchanged.
    /// </summary>
    /// <param name="path">A model file, or a folder holding one model's files.</param>
    /// <param name="name">The model's name in the store.</param>
    /// <param name="format">The format, or null to detect it from the files.</param>
    /// <param name="replace">Whether an existing model of the same name is replaced.</param>
    /// <param name="cancellationToken">Stops the copy; blobs already copied stay, no manifest is written.</param>
    /// <exception cref="ModelStoreException">The path, name or files are not acceptable.</exception>
    public async Task<ModelManifest> ImportAsync(string path, string name, ModelFormat? format = null, bool replace = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var problem = ModelName.Validate(name);
        if (problem is not null)
        {
            throw new ModelStoreException($"Invalid model name '{name}': {problem}.");
        }

        if (!replace && store.Find(name) is not null)
        {
            throw new ModelStoreException($"A model named '{name}' is already in the store; remove it first or import with --force.");
        }

        var fullPath = Path.GetFullPath(path);
        var (root, files) = CollectFiles(fullPath);
        var (detected, mainFile) = ModelFormatDetector.Detect(root, files, format);
        var metadata = ModelInspector.Inspect(detected, mainFile);
        if (trial is not null)
        {
            await trial.TrialAsync(mainFile, detected, name, cancellationToken);
        }

        var stored = new List<ModelFile>(files.Count);
        foreach (var file in files)
        {
            await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            stored.Add(await store.AddBlobAsync(source, relative, cancellationToken: cancellationToken));
        }

        // The main file first, so runtimes find it without knowing the format's naming conventions.
        var mainRelative = Path.GetRelativePath(root, mainFile).Replace('\\', '/');
        stored.Sort((a, b) => (b.Path == mainRelative).CompareTo(a.Path == mainRelative));

        var manifest = new ModelManifest
        {
            Name = name,
            Format = detected,
            Files = stored,
            Source = new ModelSource("import", fullPath),
            Created = DateTimeOffset.UtcNow,
            Metadata = metadata,
        };
        store.SaveManifest(manifest);
        return manifest;
    }

    private static (string Root, IReadOnlyList<string> Files) CollectFiles(string fullPath)
    {
        if (File.Exists(fullPath))
        {
            return (Path.GetDirectoryName(fullPath)!, [fullPath]);
        }

        if (!Directory.Exists(fullPath))
        {
            throw new ModelStoreException($"Nothing to import at '{fullPath}': no such file or folder.");
        }

        var files = Directory.EnumerateFiles(fullPath, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint })
            .Where(file => !Path.GetRelativePath(fullPath, file).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Take(MaxFiles + 1)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new ModelStoreException($"The folder '{fullPath}' holds no files to import.");
        }

        if (files.Count > MaxFiles)
        {
            throw new ModelStoreException($"The folder '{fullPath}' holds more than {MaxFiles} files; import the model's own folder.");
        }

        return (fullPath, files);
    }
}
