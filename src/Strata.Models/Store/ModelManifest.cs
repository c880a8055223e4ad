using System.Text.Json.Serialization;

namespace Strata.Models.Store;

/// <summary>The kinds of model files the store holds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelFormat>))]
public enum ModelFormat
{
    /// <summary>A llama.cpp model file.</summary>
    [JsonStringEnumMemberName("gguf")] Gguf,

    /// <summary>An ONNX graph (with its tokenizer files) run by ONNX Runtime.</summary>
    [JsonStringEnumMemberName("onnx")] Onnx,

    /// <summary>A TorchSharp / PyTorch model (weights with its configuration).</summary>
    [JsonStringEnumMemberName("torch")] Torch,
}

/// <summary>One file of a model: its path inside the model, and the blob holding its bytes.</summary>
/// <param name="Path">The file's name inside the model, with forward slashes (for example <c>model.onnx</c>).</param>
/// <param name="Digest">SHA-256 of the contents, 64 lowercase hexadecimal digits.</param>
/// <param name="Size">Length in bytes.</param>
public sealed record ModelFile(string Path, string Digest, long Size);

/// <summary>Where a model came from.</summary>
/// <param name="Kind"><c>import</c> or <c>huggingface</c>.</param>
/// <param name="Uri">The imported path or the <c>hf://</c> reference.</param>
/// <param name="Revision">The commit the files were taken from, when known.</param>
public sealed record ModelSource(string Kind, string Uri, string? Revision = null);

/// <summary>What is worth showing about a model, read from its own metadata.</summary>
public sealed record ModelMetadata
{
    /// <summary>The architecture (for example <c>llama</c>, <c>bert</c>).</summary>
    public string? Architecture { get; init; }

    /// <summary>The number of parameters (weights), when known.</summary>
    public long? Parameters { get; init; }

    /// <summary>The context length in tokens the model was trained for.</summary>
    public long? ContextLength { get; init; }

    /// <summary>The quantisation or tensor type (for example <c>Q4_K_M</c>, <c>F32</c>).</summary>
    public string? Quantization { get; init; }

    /// <summary>The width of the model's hidden state or embedding vectors.</summary>
    public long? Dimensions { get; init; }

    /// <summary>Further facts (for example ONNX input and output names, or whether a chat template is present).</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}

/// <summary>A model in the store: its name, format, files and provenance.</summary>
public sealed record ModelManifest
{
    /// <summary>The manifest schema version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The model's name in the store.</summary>
    public required string Name { get; init; }

    /// <summary>The model's format.</summary>
    public required ModelFormat Format { get; init; }

    /// <summary>The model's files.</summary>
    public required IReadOnlyList<ModelFile> Files { get; init; }

    /// <summary>Where the files came from.</summary>
    public required ModelSource Source { get; init; }

    /// <summary>When the model entered the store.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Metadata read from the model files.</summary>
    public ModelMetadata Metadata { get; init; } = new();

    /// <summary>The total size of the model's files in bytes.</summary>
    [JsonIgnore]
    public long Size => Files.Sum(file => file.Size);
}
