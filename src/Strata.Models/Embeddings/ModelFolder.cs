using Strata.Models.Store;

namespace Strata.Models.Embeddings;

/// <summary>A stored model's files by their names inside the model, resolved to the blobs that hold them.</summary>
internal sealed class ModelFolder
{
    private readonly ModelManifest manifest;
    private readonly ModelStore store;

    public ModelFolder(ModelManifest manifest, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        this.manifest = manifest;
        this.store = store;
    }

    /// <summary>The model's name in the store.</summary>
    public string Name => manifest.Name;

    /// <summary>
    /// The path on disk of the file called <paramref name="fileName"/>, or null when the model has none. A file at the
    /// model's top level wins over one in a subfolder (repositories often keep variants in <c>onnx/</c>).
    /// </summary>
    public string? Find(string fileName)
    {
        var file = manifest.Files
            .Where(f => f.Path == fileName || f.Path.EndsWith("/" + fileName, StringComparison.Ordinal))
            .OrderBy(f => f.Path.Length)
            .FirstOrDefault();
        if (file is null)
        {
            return null;
        }

        var path = store.PathOf(file);
        return File.Exists(path)
            ? path
            : throw new EmbeddingModelException($"The blob for '{file.Path}' of model '{Name}' is missing from the store; pull or import the model again.");
    }

    /// <summary>The model's ONNX graph: the main file when it is one, else the first <c>.onnx</c> file.</summary>
    public string OnnxGraph()
    {
        var graph = manifest.Files.FirstOrDefault(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            ?? throw new EmbeddingModelException($"Model '{Name}' has no .onnx file.");
        return Find(graph.Path) ?? throw new EmbeddingModelException($"Model '{Name}' has no .onnx file.");
    }
}
