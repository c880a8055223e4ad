using Strata.Core.Options;

namespace Strata.Models.Catalog;

/// <summary>How local GGUF chat models are run, from <c>Models:Llama:*</c>.</summary>
/// <param name="ContextSize">Tokens per request, prompt and output together (default 4096).</param>
/// <param name="MaxParallelSequences">Requests decoded side by side in one batch (default 4).</param>
/// <param name="Threads">CPU threads; null lets llama.cpp choose.</param>
internal sealed record LocalChatSettings(int ContextSize, int MaxParallelSequences, int? Threads)
{
    public static LocalChatSettings From(LlamaOptions options) => new(options.ContextSize, options.MaxParallelSequences, options.Threads);
}
