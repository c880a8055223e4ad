using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Strata.Models.StructuredOutput;

/// <summary>
/// Structured output that never lies: an answer that finishes normally (stop or tool calls) always validates against
/// the request's JSON schema and its tools' parameters schemas (draft 2020-12, JsonSchema.Net). A grammar constrains
/// generation where it can; this checks the finished answer where it cannot, generates again up to
/// <see cref="MaxAttempts"/> times, and then throws <see cref="StructuredOutputException"/>. A schema that cannot be
/// built is refused before anything is generated (<see cref="NotSupportedException"/>, a 400 from the server).
/// </summary>
/// <remarks>
/// Streaming: when the grammar enforces the whole schema (<see cref="GrammarCoverage"/>) text streams as generated and
/// only the final update (the finish reason) waits for the check; otherwise the answer is held back until it has
/// validated, since sent text cannot be taken back. Answers cut short by the token limit are passed on unchecked:
/// their finish reason already says they are incomplete.
/// </remarks>
public sealed class SchemaValidatingChatClient : DelegatingChatClient
{
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="innerClient"/>.</summary>
    public SchemaValidatingChatClient(IChatClient innerClient, ILoggerFactory? loggerFactory = null)
        : base(innerClient)
    {
        _logger = (ILogger?)loggerFactory?.CreateLogger<SchemaValidatingChatClient>() ?? NullLogger.Instance;
    }

    /// <summary>How many answers one request may generate before it fails (default 3).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var constraints = OutputConstraints.For(options);
        if (constraints is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var history = messages as IList<ChatMessage> ?? messages.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.GetResponseAsync(history, RetryOptions.For(options!, attempt), cancellationToken).ConfigureAwait(false);
            if (Accept(constraints, response, attempt))
            {
                return response;
            }
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var constraints = OutputConstraints.For(options);
        if (constraints is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var history = messages as IList<ChatMessage> ?? messages.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var updates = new List<ChatResponseUpdate>();
            var holding = !constraints.Streamable;
            await foreach (var update in base.GetStreamingResponseAsync(history, RetryOptions.For(options!, attempt), cancellationToken).ConfigureAwait(false))
            {
                updates.Add(update);
                // The finish reason, and anything after it, waits for the check in every case.
                holding |= update.FinishReason is not null;
                if (!holding)
                {
                    yield return update;
                }
            }

            var accepted = Accept(constraints, updates.ToChatResponse(), constraints.Streamable ? MaxAttempts : attempt);
            if (accepted)
            {
                foreach (var update in constraints.Streamable ? updates.SkipWhile(u => u.FinishReason is null) : updates)
                {
                    yield return update;
                }

                yield break;
            }
        }
    }

    // True to return the answer, false to generate again; throws when no attempts are left.
    private bool Accept(OutputConstraints constraints, ChatResponse response, int attempt)
    {
        var problems = constraints.Problems(response);
        if (problems.Count == 0)
        {
            return true;
        }

        var summary = string.Join("; ", problems);
        if (attempt >= MaxAttempts)
        {
            _logger.InvalidOutputGivenUp(attempt, summary);
            throw new StructuredOutputException(attempt, problems);
        }

        _logger.InvalidOutputRetrying(attempt, MaxAttempts, summary);
        return false;
    }
}
