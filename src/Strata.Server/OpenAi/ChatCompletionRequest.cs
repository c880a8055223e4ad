using Microsoft.Extensions.AI;

namespace Strata.Server.OpenAi;

/// <summary>A parsed <c>POST /v1/chat/completions</c> body in Microsoft.Extensions.AI terms.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">Sampling, limits, tools and response format.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
/// <param name="Choices">How many answers to generate (<c>n</c>), side by side in the model's batch.</param>
public sealed record ChatCompletionRequest(string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, int Choices = 1)
{
    /// <summary>Whether each choice reports its tokens' log probabilities (<c>logprobs</c>).</summary>
    public bool LogProbabilities => Options.AdditionalProperties?.ContainsKey(Strata.Models.Llama.LlamaChatOptionKeys.TopLogProbabilities) == true;

    /// <summary>
    /// The options of choice <paramref name="index"/>: with a seed, each choice takes the next one, so n seeded choices
    /// differ from each other and are the same on every run.
    /// </summary>
    public ChatOptions OptionsOf(int index)
    {
        if (index == 0 || Options.Seed is not { } seed)
        {
            return Options;
        }

        var options = Options.Clone();
        options.Seed = unchecked(seed + index);
        return options;
    }
}
