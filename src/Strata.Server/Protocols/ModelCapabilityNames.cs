using Strata.Models.Catalog;
using Strata.Server.Images;

namespace Strata.Server.Protocols;

/// <summary>What a model can do, as the names every model listing uses: <c>chat</c>, <c>embeddings</c>, <c>rerank</c>, <c>images</c>.</summary>
public static class ModelCapabilityNames
{
    /// <summary>The names of every image model in the store, to pass to <see cref="Of"/>.</summary>
    public static HashSet<string> ImageModels(ImageGenerators images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.List().Select(model => model.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The capabilities of <paramref name="entry"/>; <paramref name="imageModels"/> names the stored image models.</summary>
    public static List<string> Of(CatalogEntry entry, IReadOnlySet<string> imageModels)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(imageModels);
        var names = new List<string>();
        if (entry.Capabilities.HasFlag(ModelCapabilities.Chat))
        {
            names.Add("chat");
        }

        if (entry.Capabilities.HasFlag(ModelCapabilities.Embeddings))
        {
            names.Add("embeddings");
        }

        if (entry.Capabilities.HasFlag(ModelCapabilities.Rerank))
        {
            names.Add("rerank");
        }

        if (imageModels.Contains(entry.Name))
        {
            names.Add("images");
        }

        return names;
    }
}
