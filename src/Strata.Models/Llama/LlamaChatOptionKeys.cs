using Microsoft.Extensions.AI;

namespace Strata.Models.Llama;

/// <summary>Keys of <see cref="ChatOptions.AdditionalProperties"/> that the llama.cpp runtime reads beyond M.E.AI's own options.</summary>
public static class LlamaChatOptionKeys
{
    /// <summary>
    /// An upper bound (an <see cref="int"/>) on the output of a request that leaves <see cref="ChatOptions.MaxOutputTokens"/>
    /// unset: it gets the rest of the context window, but at most this many tokens. Unlike setting MaxOutputTokens, it
    /// never makes a long prompt be refused for not leaving room: a server caps requests without <c>max_tokens</c> with it.
    /// </summary>
    public const string OutputTokenCeiling = "strata_output_token_ceiling";

    /// <summary>
    /// Not an option but a key of the last <see cref="ChatResponseUpdate.AdditionalProperties"/>: the stop sequence (a
    /// <see cref="string"/>) that ended the answer, so protocols that report it (Anthropic's <c>stop_sequence</c>) can.
    /// </summary>
    public const string MatchedStopSequence = "strata_stop_sequence";

    /// <summary>
    /// A <see cref="bool"/>: when true, the messages' text is the prompt exactly as given, with no chat template, so
    /// the model continues it (what a text completion API asks for).
    /// </summary>
    public const string RawPrompt = "strata_raw_prompt";

    /// <summary>
    /// An <see cref="int"/> from 0 to 20: report each generated token's log probability and this many most likely
    /// alternatives. Each update then carries its tokens under <see cref="LogProbabilities"/> in
    /// <see cref="ChatResponseUpdate.AdditionalProperties"/> (a list of <see cref="TokenLogProbability"/>).
    /// </summary>
    public const string TopLogProbabilities = "strata_top_logprobs";

    /// <summary>Not an option but a key of <see cref="ChatResponseUpdate.AdditionalProperties"/>: the tokens behind that update.</summary>
    public const string LogProbabilities = "strata_logprobs";

    /// <summary>
    /// An <see cref="int"/>: this request's context (prompt + output) in tokens, when smaller than the model's (Ollama's
    /// <c>num_ctx</c>); a larger value changes nothing, since the loaded context cannot grow per request.
    /// </summary>
    public const string ContextLimit = "strata_context_limit";
}
