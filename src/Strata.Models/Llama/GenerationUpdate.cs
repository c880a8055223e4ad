namespace Strata.Models.Llama;

/// <summary>What one sequence produced in one decode step: new text, and at the end why and how many tokens.</summary>
/// <param name="Text">Complete UTF-8 text since the last update; may be empty.</param>
/// <param name="Finish">Set on the last update: why generation ended.</param>
/// <param name="OutputTokens">Tokens generated so far.</param>
/// <param name="StopSequence">On the last update, the stop sequence that ended generation, if one did.</param>
/// <param name="LogProbabilities">When the request asked for them, the tokens behind this update's text.</param>
internal sealed record GenerationUpdate(string Text, GenerationFinish? Finish, int OutputTokens, string? StopSequence = null,
    IReadOnlyList<TokenLogProbability>? LogProbabilities = null);

/// <summary>Why a sequence stopped generating.</summary>
internal enum GenerationFinish
{
    /// <summary>End of generation token or a stop sequence.</summary>
    Stop,

    /// <summary>The token limit.</summary>
    Length,
}
