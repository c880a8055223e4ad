using Microsoft.Extensions.Logging;

namespace Strata.Models.StructuredOutput;

internal static partial class StructuredOutputLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Structured output attempt {Attempt} of {Attempts} did not validate ({Problems}); generating again")]
    public static partial void InvalidOutputRetrying(this ILogger logger, int attempt, int attempts, string problems);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Structured output did not validate after {Attempts} attempt(s): {Problems}")]
    public static partial void InvalidOutputGivenUp(this ILogger logger, int attempts, string problems);
}
