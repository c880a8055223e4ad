using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Strata.Core.Options;

/// <summary><c>Models:*</c>: which models are used by default and how local models run.</summary>
public sealed class ModelsOptions : IStrataOptions<ModelsOptions>
{
    /// <summary>The built-in embedding model (all-MiniLM-L6-v2), the default wherever text is embedded.</summary>
    public const string BuiltInEmbeddingModel = "minilm";

    /// <inheritdoc />
    public static string Section => "Models";

    /// <inheritdoc />
    public static void Bind(IConfiguration section, ModelsOptions options) => section.Bind(options);

    /// <summary>The chat model used when a command or request names none; null when no chat model is configured.</summary>
    [Description("the chat model used when -m is left out")]
    public string? DefaultChat { get; set; }

    /// <summary>The embedding model used when a command or request names none.</summary>
    [Description("the embedding model used when -m is left out")]
    [Required(AllowEmptyStrings = false)]
    public string DefaultEmbedding { get; set; } = BuiltInEmbeddingModel;

    /// <summary>Seconds a local model stays loaded without requests.</summary>
    [Description("a local model unloads after this many seconds without requests")]
    [Range(1, 31_536_000)]
    public int IdleSeconds { get; set; } = 300;

    /// <summary>
    /// Whether each local model runs in its own runner process (the default), so a native crash in llama.cpp or ONNX
    /// Runtime ends that runner, not Strata. Off runs models inside the Strata process, as a library would.
    /// </summary>
    [Description("run each local model in its own runner process, so a native crash cannot take Strata down")]
    public bool Runners { get; set; } = true;

    /// <summary>Whether identical chat requests are answered from an in-memory cache.</summary>
    [Description("answer identical chat requests from memory")]
    public bool ResponseCache { get; set; }

    /// <summary>How many tool-calling rounds one request may take.</summary>
    [Description("tool-calling rounds one request may take")]
    [Range(1, 1000)]
    public int MaxToolIterations { get; set; } = 10;

    /// <summary>How many answers a request with a JSON schema or tools may generate before it fails because none validated.</summary>
    [Description("answers a structured request may generate before it fails because none validated against its schema")]
    [Range(1, 10)]
    public int StructuredOutputAttempts { get; set; } = 3;

    /// <summary>How local GGUF models run on llama.cpp.</summary>
    public LlamaOptions Llama { get; set; } = new();
}

/// <summary><c>Models:Llama:*</c>.</summary>
public sealed class LlamaOptions
{
    /// <summary>Tokens per request, prompt and output together.</summary>
    [Description("tokens per request (prompt + output) for local GGUF models; a request that does not fit is refused")]
    [Range(64, 1 << 20)]
    public int ContextSize { get; set; } = 4096;

    /// <summary>Requests one loaded model decodes side by side in one batch.</summary>
    [Description("requests one loaded model decodes side by side in one batch")]
    [Range(1, 256)]
    public int MaxParallelSequences { get; set; } = 4;

    /// <summary>CPU threads for decoding; unset lets llama.cpp choose.</summary>
    [Description("CPU threads for decoding; unset lets llama.cpp choose")]
    [Range(1, 1024)]
    public int? Threads { get; set; }
}
