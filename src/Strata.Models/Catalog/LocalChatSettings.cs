using Microsoft.Extensions.Configuration;

namespace Strata.Models.Catalog;

/// <summary>How local GGUF chat models are run, from <c>Models:Llama:*</c>.</summary>
/// <param name="ContextSize">Tokens per request, prompt and output together (default 4096).</param>
/// <param name="MaxParallelSequences">Requests decoded side by side in one batch (default 4).</param>
/// <param name="Threads">CPU threads; null lets llama.cpp choose.</param>
internal sealed record LocalChatSettings(int ContextSize, int MaxParallelSequences, int? Threads)
{
    public static LocalChatSettings FromConfiguration(IConfiguration configuration) => new(
        configuration.GetValue("Models:Llama:ContextSize", 4096),
        configuration.GetValue("Models:Llama:MaxParallelSequences", 4),
        configuration.GetValue<int?>("Models:Llama:Threads"));
}
