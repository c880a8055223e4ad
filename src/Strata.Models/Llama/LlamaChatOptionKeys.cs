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
}
