namespace Strata.Models.Formats.Gguf;

/// <summary>The validated header of a GGUF file: its metadata and where each tensor lies. Tensor data is not loaded.</summary>
public sealed class GgufFile
{
    /// <summary>The alignment GGUF uses when <c>general.alignment</c> is absent.</summary>
    public const long DefaultAlignment = 32;

    /// <summary>Creates a file description; <see cref="GgufReader"/> is the usual way to get one.</summary>
    public GgufFile(int version, long alignment, long dataOffset, IReadOnlyDictionary<string, GgufValue> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The GGUF format version (2 or 3).</summary>
    public int Version { get; }

    /// <summary>The alignment of the data section and of every tensor in it, in bytes.</summary>
    public long Alignment { get; }

    /// <summary>The absolute byte offset at which the tensor data section starts.</summary>
    public long DataOffset { get; }

    /// <summary>The metadata key-value pairs, in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>The tensors, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Returns the metadata value of <paramref name="key"/> when it is a string, else null.</summary>
    public string? GetString(string key) => Metadata.TryGetValue(key, out var value) ? value.Value as string : null;

    /// <summary>Returns the metadata value of <paramref name="key"/> when it is an integer of any width, else null.</summary>
    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var value) ? value.AsInt64OrNull() : null;

    /// <summary>Collects the facts worth showing about the model (architecture, size, quantization, tokenizer).</summary>
    public GgufModelSummary Summarize()
    {
        var architecture = GetString("general.architecture");
        long? ForArchitecture(string suffix) => architecture is null ? null : GetInteger($"{architecture}.{suffix}");

        return new GgufModelSummary(
            Architecture: architecture,
            Name: GetString("general.name"),
            ParameterCount: Tensors.Sum(tensor => tensor.ElementCount),
            ContextLength: ForArchitecture("context_length"),
            EmbeddingLength: ForArchitecture("embedding_length"),
            BlockCount: ForArchitecture("block_count"),
            HeadCount: architecture is null ? null : HeadCount($"{architecture}.attention.head_count"),
            Quantization: Quantization(),
            TokenizerModel: GetString("tokenizer.ggml.model"),
            VocabularySize: Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens.IsArray ? tokens.Count : null,
            HasChatTemplate: Metadata.ContainsKey("tokenizer.chat_template"));
    }

    // Some architectures give a head count per layer (an array); the largest says most about the model's size.
    private long? HeadCount(string key)
    {
        if (!Metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        if (!value.IsArray)
        {
            return value.AsInt64OrNull();
        }

        var counts = ((Array)value.Value).Cast<object>()
            .Select(GgufValue.ToInt64OrNull)
            .OfType<long>()
            .ToList();
        return counts.Count == 0 ? null : counts.Max();
    }

    private string? Quantization()
    {
        var fileType = GetInteger("general.file_type");
        if (fileType is not null && LlamaFileTypeNames.TryGetName(fileType.Value) is { } name)
        {
            return name;
        }

        return Tensors
            .GroupBy(tensor => tensor.Type)
            .Select(group => (Type: group.Key, Bytes: group.Sum(tensor => tensor.ByteSize)))
            .OrderByDescending(entry => entry.Bytes)
            .ThenBy(entry => entry.Type)
            .Select(entry => GgmlTypeTraits.Of(entry.Type).Name)
            .FirstOrDefault();
    }
}
