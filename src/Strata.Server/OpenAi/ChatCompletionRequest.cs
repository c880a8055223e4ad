using Microsoft.Extensions.AI;

namespace Strata.Server.OpenAi;

/// <summary>A parsed <c>POST /v1/chat/completions</c> body in Microsoft.Extensions.AI terms.</summary>
/// <param name="Model">The model reference.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">Sampling, limits, tools and response format.</param>
/// <param name="Stream">Whether to answer with server-sent events.</param>
/// <param name="IncludeUsage">Whether a streamed answer ends with a usage chunk (<c>stream_options.include_usage</c>).</param>
public sealed record ChatCompletionRequest(string Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage);
